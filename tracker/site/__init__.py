"""The static report site: the history as pages a person opens from disk or any web server.

    gather(tx) -> SiteData          (tracker.site.gather: one consistent read of the store)
    render(SiteData) -> files       (tracker.site.render: pure, Jinja2 templates in templates/)
    publish(SiteData, out_dir)      (tracker.site.publish: a new build, swapped in atomically)
    refresh(store, out_dir)         (rebuild when the history changed: what the daemon calls)

The site: index.html (the latest list, a chart per year, the timeline of every market with
filters), years/<Y>.html (that year's diff), markets/<id>.html (one market across the years),
feed.atom, data/listings.csv and .json, pdf/<Y>.pdf (the archived reports, where present).
"""
