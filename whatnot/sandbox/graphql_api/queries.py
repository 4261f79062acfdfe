"""Resolvers of the Query root fields."""

from __future__ import annotations

from graphql import GraphQLError

from .. import inventory, taxonomy
from ..values import InvalidGlobalId, parse_global_id
from . import nodes
from .filters import date_conditions, id_conditions, matches_string, string_conditions
from .pagination import argument_error, page_request, paginate_list, paginate_sql

LISTING_SORT_COLUMNS = {"CREATED_AT": "l.created_at", "UPDATED_AT": "l.updated_at"}


def listing_select(sort_column: str) -> str:
    return inventory.LISTING_SELECT.replace(
        "FROM listings l", f", {sort_column} AS sort_value FROM listings l", 1
    )


def id_argument(value: str, *type_names: str) -> int | None:
    """Decode an id argument; an id of another type finds nothing."""
    try:
        found_type, pk = parse_global_id(value)
    except InvalidGlobalId as exc:
        raise argument_error("id", f"id: {exc}.") from exc
    return pk if found_type in type_names else None


def resolve_listings(_root, info, **args):
    context = info.context
    request = page_request(args, bulk=context.bulk)
    sort_column = LISTING_SORT_COLUMNS[request.sort_key]
    conditions = ["l.seller_id = ?", inventory.LIVE_LISTING]
    params: list = [context.seller_id]
    spec = args.get("filter") or {}
    for extra in (
        id_conditions("filter.id", spec.get("id"), "l.id", "Listing"),
        date_conditions(spec.get("createdAt"), "l.created_at"),
        date_conditions(spec.get("updatedAt"), "l.updated_at"),
    ):
        conditions += extra[0]
        params += extra[1]
    with context.read() as db:
        return paginate_sql(
            db,
            select=listing_select(sort_column),
            conditions=conditions,
            params=params,
            sort_column=sort_column,
            id_column="l.id",
            request=request,
            to_node=lambda row: nodes.listing_node(row, context.public_url),
        )


def resolve_listing(_root, info, id):
    context = info.context
    pk = id_argument(id, "Listing")
    if pk is None:
        return None
    with context.read() as db:
        row = inventory.get_listing(db, context.seller_id, pk)
    return nodes.listing_node(row, context.public_url) if row else None


def resolve_products(_root, info, **args):
    context = info.context
    request = page_request(args, bulk=context.bulk)
    conditions = ["p.seller_id = ?", "p.deleted_at IS NULL"]
    params: list = [context.seller_id]
    spec = args.get("filter") or {}
    for extra in (
        id_conditions("filter.id", spec.get("id"), "p.id", "Product"),
        string_conditions(spec.get("externalId"), "p.external_id"),
        date_conditions(spec.get("createdAt"), "p.created_at"),
    ):
        conditions += extra[0]
        params += extra[1]
    with context.read() as db:
        return paginate_sql(
            db,
            select="SELECT p.*, p.created_at AS sort_value FROM products p",
            conditions=conditions,
            params=params,
            sort_column="p.created_at",
            id_column="p.id",
            request=request,
            to_node=nodes.product_node,
        )


def resolve_product(_root, info, id):
    context = info.context
    pk = id_argument(id, "Product")
    if pk is None:
        return None
    with context.read() as db:
        row = inventory.get_product(db, context.seller_id, pk)
    return nodes.product_node(row) if row else None


def resolve_product_variants(_root, info, **args):
    context = info.context
    request = page_request(args, bulk=context.bulk)
    conditions = ["v.seller_id = ?", "v.deleted_at IS NULL"]
    params: list = [context.seller_id]
    spec = args.get("filter") or {}
    for extra in (
        id_conditions("filter.id", spec.get("id"), "v.id", "ProductVariant"),
        string_conditions(spec.get("sku"), "v.sku"),
    ):
        conditions += extra[0]
        params += extra[1]
    with context.read() as db:
        return paginate_sql(
            db,
            select="SELECT v.*, v.created_at AS sort_value FROM variants v",
            conditions=conditions,
            params=params,
            sort_column="v.created_at",
            id_column="v.id",
            request=request,
            to_node=nodes.variant_node,
        )


def resolve_product_variant(_root, info, id):
    context = info.context
    pk = id_argument(id, "ProductVariant")
    if pk is None:
        return None
    with context.read() as db:
        row = inventory.get_variant(db, context.seller_id, pk)
    return nodes.variant_node(row) if row else None


def resolve_orders(_root, info, **args):
    context = info.context
    request = page_request(args, bulk=context.bulk)
    conditions = ["o.seller_id = ?"]
    params: list = [context.seller_id]
    spec = args.get("filter") or {}
    for extra in (
        date_conditions(spec.get("createdAt"), "o.created_at"),
        id_conditions(
            "filter.livestreamId",
            spec.get("livestreamId"),
            "o.livestream_id",
            "Livestream",
        ),
    ):
        conditions += extra[0]
        params += extra[1]
    with context.read() as db:
        return paginate_sql(
            db,
            select="SELECT o.*, o.created_at AS sort_value FROM orders o",
            conditions=conditions,
            params=params,
            sort_column="o.created_at",
            id_column="o.id",
            request=request,
            to_node=lambda row: nodes.order_node(row, context.sees_customer_data),
        )


def resolve_order(_root, info, id):
    context = info.context
    pk = id_argument(id, "Order")
    if pk is None:
        return None
    with context.read() as db:
        row = db.execute(
            "SELECT * FROM orders WHERE id = ? AND seller_id = ?",
            (pk, context.seller_id),
        ).fetchone()
    return nodes.order_node(row, context.sees_customer_data) if row else None


def resolve_livestreams(_root, info, **args):
    context = info.context
    request = page_request(args, bulk=context.bulk)
    conditions = ["s.seller_id = ?"]
    params: list = [context.seller_id]
    spec = args.get("filter") or {}
    extra = date_conditions(spec.get("createdAt"), "s.created_at")
    conditions += extra[0]
    params += extra[1]
    with context.read() as db:
        return paginate_sql(
            db,
            select=(
                "SELECT s.*, s.created_at AS sort_value, (SELECT COUNT(*) "
                "FROM orders o WHERE o.livestream_id = s.id) AS num_orders "
                "FROM livestreams s"
            ),
            conditions=conditions,
            params=params,
            sort_column="s.created_at",
            id_column="s.id",
            request=request,
            to_node=lambda row: nodes.livestream_node(row, row["num_orders"]),
        )


def livestream_by_pk(db, seller_id: int, pk: int):
    row = db.execute(
        "SELECT * FROM livestreams WHERE id = ? AND seller_id = ?", (pk, seller_id)
    ).fetchone()
    if row is None:
        return None
    count = db.execute(
        "SELECT COUNT(*) FROM orders WHERE livestream_id = ?", (pk,)
    ).fetchone()[0]
    return nodes.livestream_node(row, count)


def resolve_livestream(_root, info, id):
    pk = id_argument(id, "Livestream")
    if pk is None:
        return None
    with info.context.read() as db:
        return livestream_by_pk(db, info.context.seller_id, pk)


def resolve_bulk_operations(_root, info, **args):
    context = info.context
    request = page_request(args, bulk=context.bulk)
    with context.read() as db:
        return paginate_sql(
            db,
            select="SELECT b.*, b.created_at AS sort_value FROM bulk_operations b",
            conditions=["b.seller_id = ?"],
            params=[context.seller_id],
            sort_column="b.created_at",
            id_column="b.id",
            request=request,
            to_node=lambda row: nodes.bulk_operation_node(row, context.public_url),
        )


def bulk_operation_by_pk(context, pk: int):
    with context.read() as db:
        row = db.execute(
            "SELECT * FROM bulk_operations WHERE id = ? AND seller_id = ?",
            (pk, context.seller_id),
        ).fetchone()
    return nodes.bulk_operation_node(row, context.public_url) if row else None


def resolve_bulk_operation(_root, info, id):
    pk = id_argument(id, "BulkOperation")
    return bulk_operation_by_pk(info.context, pk) if pk is not None else None


def resolve_current_bulk_operation(_root, info):
    context = info.context
    with context.read() as db:
        row = db.execute(
            "SELECT * FROM bulk_operations WHERE seller_id = ? "
            "ORDER BY status = 'IN_PROGRESS' DESC, created_at DESC, id DESC LIMIT 1",
            (context.seller_id,),
        ).fetchone()
    return nodes.bulk_operation_node(row, context.public_url) if row else None


def resolve_taxonomy_nodes(_root, info, **args):
    request = page_request(args, bulk=info.context.bulk)
    name_filter = (args.get("filter") or {}).get("name")
    items = [
        node
        for node in taxonomy.NODES.values()
        if matches_string(name_filter, node.name)
    ]
    return paginate_list(
        items, request, key_of=lambda node: ("", node.id), to_node=nodes.taxonomy_node
    )


def resolve_taxonomy_node(_root, info, id):
    pk = id_argument(id, "ProductTaxonomyNode")
    node = taxonomy.NODES.get(pk) if pk is not None else None
    return nodes.taxonomy_node(node) if node else None


def resolve_product_attributes(_root, info, **args):
    request = page_request(args, bulk=info.context.bulk)
    spec = (args.get("filter") or {}).get("taxonomyId")
    items = list(taxonomy.ATTRIBUTES.values())
    if spec:
        node_ids: set[int] = set()
        for name in ("equals", "in"):
            values = spec.get(name)
            if values is None:
                continue
            values = [values] if name == "equals" else values
            for value in values:
                try:
                    node_ids.add(parse_global_id(value, "ProductTaxonomyNode")[1])
                except InvalidGlobalId as exc:
                    raise argument_error(
                        f"filter.taxonomyId.{name}", f"filter.taxonomyId.{name}: {exc}."
                    ) from exc
        allowed = {
            a.id for node_id in node_ids for a in taxonomy.attributes_for(node_id)
        }
        items = [item for item in items if item.id in allowed]
    return paginate_list(
        items,
        request,
        key_of=lambda attribute: ("", attribute.id),
        to_node=nodes.attribute_node,
    )


def resolve_product_attribute(_root, info, id):
    pk = id_argument(id, "ProductAttribute")
    attribute = taxonomy.ATTRIBUTES.get(pk) if pk is not None else None
    return nodes.attribute_node(attribute) if attribute else None


def resolve_me(_root, info):
    context = info.context
    with context.read() as db:
        row = db.execute(
            "SELECT * FROM sellers WHERE id = ?", (context.seller_id,)
        ).fetchone()
    return nodes.seller_node(row, context.public_url)


NODE_SCOPES = {
    "Product": "read:inventory",
    "ProductVariant": "read:inventory",
    "Listing": "read:inventory",
    "Order": "read:inventory",
}


def resolve_node(root, info, id):
    try:
        type_name = parse_global_id(id)[0]
    except InvalidGlobalId as exc:
        raise argument_error("id", f"id: {exc}.") from exc
    scope = NODE_SCOPES.get(type_name)
    if scope and not info.context.owner.has_scope(scope):
        raise GraphQLError(
            f"Reading a {type_name} needs the {scope} scope.",
            extensions={"code": "FORBIDDEN", "requiredScope": scope},
        )
    resolvers = {
        "Product": resolve_product,
        "ProductVariant": resolve_product_variant,
        "Listing": resolve_listing,
        "Order": resolve_order,
        "Livestream": resolve_livestream,
        "BulkOperation": resolve_bulk_operation,
        "ProductTaxonomyNode": resolve_taxonomy_node,
        "ProductAttribute": resolve_product_attribute,
    }
    if type_name == "User":
        me = resolve_me(root, info)
        return me if me["id"] == id else None
    resolver = resolvers.get(type_name)
    return resolver(root, info, id=id) if resolver else None


QUERY_RESOLVERS = {
    "products": resolve_products,
    "product": resolve_product,
    "productVariants": resolve_product_variants,
    "productVariant": resolve_product_variant,
    "productTaxonomyNodes": resolve_taxonomy_nodes,
    "productTaxonomyNode": resolve_taxonomy_node,
    "listings": resolve_listings,
    "listing": resolve_listing,
    "bulkOperations": resolve_bulk_operations,
    "bulkOperation": resolve_bulk_operation,
    "currentBulkOperation": resolve_current_bulk_operation,
    "livestreams": resolve_livestreams,
    "livestream": resolve_livestream,
    "orders": resolve_orders,
    "order": resolve_order,
    "productAttributes": resolve_product_attributes,
    "productAttribute": resolve_product_attribute,
    "me": resolve_me,
    "node": resolve_node,
}
