package io.gproxy.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.http.HttpResponse;
import io.gproxy.store.EntityType;

/**
 * Registers the CRUD routes of every config entity on the generic engine (admin-contract / docs/admin-api.md):
 * a collection path for list and upsert, an item path for get and delete, nested collections taking their parent
 * from the path.
 */
final class EntityEndpoints {
    private final CrudEngine crud;

    EntityEndpoints(CrudEngine crud) {
        this.crud = crud;
    }

    void register(AdminRoutes routes) {
        top(routes, EntityType.ORG, "/admin/orgs");
        top(routes, EntityType.USER, "/admin/users");
        top(routes, EntityType.PROVIDER, "/admin/providers");
        top(routes, EntityType.ROUTE, "/admin/routes");
        top(routes, EntityType.ALIAS, "/admin/aliases");
        top(routes, EntityType.PRICE_RULE, "/admin/price-rules");
        top(routes, EntityType.RULE_SET, "/admin/rule-sets");
        top(routes, EntityType.ROUTE_PERMISSION, "/admin/route-permissions");
        top(routes, EntityType.RATE_LIMIT, "/admin/rate-limits");
        top(routes, EntityType.QUOTA, "/admin/quotas");
        nested(routes, EntityType.TEAM, EntityType.ORG, "org_id", "/admin/orgs/{pid}/teams", "/admin/teams/{id}");
        nested(routes, EntityType.CREDENTIAL, EntityType.PROVIDER, "provider_id", "/admin/providers/{pid}/credentials",
                "/admin/credentials/{id}");
        nested(routes, EntityType.PROVIDER_MODEL, EntityType.PROVIDER, "provider_id", "/admin/providers/{pid}/models",
                "/admin/provider-models/{id}");
        nested(routes, EntityType.ROUTING_RULE, EntityType.PROVIDER, "provider_id",
                "/admin/providers/{pid}/routing-rules", "/admin/routing-rules/{id}");
        nested(routes, EntityType.ROUTE_MEMBER, EntityType.ROUTE, "route_id", "/admin/routes/{pid}/members",
                "/admin/route-members/{id}");
        nested(routes, EntityType.RULE, EntityType.RULE_SET, "rule_set_id", "/admin/rule-sets/{pid}/rules",
                "/admin/rules/{id}");
        nested(routes, EntityType.PROVIDER_RULE_SET, EntityType.PROVIDER, "provider_id",
                "/admin/providers/{pid}/rule-sets", "/admin/provider-rule-sets/{id}");
        nested(routes, EntityType.USER_KEY, EntityType.USER, "user_id", "/admin/users/{pid}/keys",
                "/admin/user-keys/{id}");
    }

    private void top(AdminRoutes routes, EntityType type, String path) {
        routes.add("GET", path, Access.ADMIN, c -> Replies.ok(Replies.items(crud.list(c.snapshot(), type, null))));
        routes.add("POST", path, Access.ADMIN, c -> upserted(crud.upsert(type, c.body(), null)));
        item(routes, type, path + "/{id}");
    }

    private void nested(AdminRoutes routes, EntityType type, EntityType parentType, String field, String listPath,
                        String itemPath) {
        routes.add("GET", listPath, Access.ADMIN, c -> Replies.ok(Replies.items(
                crud.list(c.snapshot(), type, new Parent(parentType, field, c.id("pid"))))));
        routes.add("POST", listPath, Access.ADMIN, c -> upserted(
                crud.upsert(type, c.body(), new Parent(parentType, field, c.id("pid")))));
        item(routes, type, itemPath);
    }

    private void item(AdminRoutes routes, EntityType type, String itemPath) {
        routes.add("GET", itemPath, Access.ADMIN, c -> Replies.ok(crud.get(c.snapshot(), type, Long.toString(c.id("id")))));
        routes.add("DELETE", itemPath, Access.ADMIN, c -> {
            crud.delete(type, Long.toString(c.id("id")));
            return Replies.noContent();
        });
    }

    static HttpResponse upserted(CrudEngine.Upserted u) {
        ObjectNode body = u.view();
        if (u.bareKey() != null) {
            body.put("api_key", u.bareKey()); // shown once, at creation
        }
        return Replies.json(u.created() ? 201 : 200, body);
    }
}
