"""Response bodies of the HTTP API, one module per resource, each with an example for the OpenAPI
document. Request bodies are `api.requests` (one schema per command endpoint)."""
