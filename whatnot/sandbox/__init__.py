"""An offline stand-in for the Whatnot Seller API, served over real HTTP.

selvedge talks to it exactly as to Whatnot; only the base URL differs. It keeps
its own state in a SQLite file (never selvedge's database) and serves the
GraphQL API from whatnot/graphql/schema.graphql, the OAuth endpoints, bulk
operation results, signed webhooks, a market simulator and fault injection.
Start it with ``manage.py whatnot_sandbox``; docs/sandbox.md describes it.
"""
