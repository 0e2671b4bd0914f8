"""The commands of the CLI other than `extract`, each thin: parse, call one core function, print.

Each module's `register(sub)` adds its commands to the parser `tracker.cli` builds.
"""
