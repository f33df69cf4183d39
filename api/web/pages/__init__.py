"""The pages under /ui, one module per area, each with its own router (`api.web.routes` puts
them together): thin handlers that read the read models (`projections.queries`,
`projections.replay`), fold a union when a page needs what the person may do now, and post
commands through `api.web.posting`.

Every page renders without JavaScript; htmx only appends the next page of a long list in place."""
