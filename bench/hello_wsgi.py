"""The smallest WSGI application: the baseline for gunicorn's own cost per
request in bench/webhook_load.py."""


def application(environ, start_response):
    body = b'{"status": "ok"}'
    start_response(
        "200 OK",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]
