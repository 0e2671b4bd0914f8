"""nml-tracker: follow USTR's Notorious Markets List across the years."""

__version__ = "0.1.0"
