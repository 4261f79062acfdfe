"""whatnot's REST API: serializers, filters and viewsets, registered on
config.api_urls.router by the routes module."""
