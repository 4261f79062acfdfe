"""Bulk operations (filled in below)."""

BULK_MUTATIONS: dict = {}


class BulkRunner:
    def __init__(self, sandbox):
        self.sandbox = sandbox

    def start(self) -> None:
        pass


def download(sandbox, request, key):
    from werkzeug.wrappers import Response

    return Response("not yet", status=404)


def receive_upload(sandbox, request, path):
    from werkzeug.wrappers import Response

    return Response("not yet", status=404)
