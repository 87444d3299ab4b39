package io.gproxy.pipeline;

import io.gproxy.billing.BillingPolicy;
import io.gproxy.billing.Glob;
import io.gproxy.billing.Permissions;
import io.gproxy.billing.Scope;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.config.User;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a caller may see in model listings (spec/core.md §10.1, spec/surface.md §3.6): the same union of
 * {@code route_permissions} globs that admission checks, applied per entry, so a listing never shows a model the
 * caller would get 403 for. A disabled org or team sees nothing (403).
 */
final class ListingPermits {
    private final BillingPolicy policy;
    private final List<Scope.Ref> chain;

    private ListingPermits(BillingPolicy policy, List<Scope.Ref> chain) {
        this.policy = policy;
        this.chain = chain;
    }

    static ListingPermits of(BillingPolicy policy, ConfigSnapshot snapshot, User user) throws GatewayError {
        List<Scope.Ref> chain = Permissions.chain(snapshot, user)
                .orElseThrow(() -> new GatewayError(403, "forbidden"));
        return new ListingPermits(policy, chain);
    }

    /** Aggregated entries: route names by route permission, {@code provider/model} ids by provider permission. */
    Map<String, String> aggregated(ConfigSnapshot snapshot, Map<String, String> models) {
        Map<String, String> out = new TreeMap<>();
        models.forEach((id, name) -> {
            if (snapshot.route(id).isPresent() ? route(id) : providerModel(id)) {
                out.put(id, name);
            }
        });
        return out;
    }

    boolean route(String name) {
        return Permissions.allows(policy, chain, name, null, null);
    }

    /** {@code provider/model}: a grant on the provider (parent) or on the id itself. */
    boolean providerModel(String id) {
        int slash = id.indexOf('/');
        return slash > 0 && Permissions.allows(policy, chain, null, id.substring(0, slash), id.substring(slash + 1));
    }

    /** Scoped listing: allowed when a pattern matches the provider or could match a {@code provider/} id. */
    boolean providerListing(String provider) {
        for (Scope.Ref ref : chain) {
            for (String pattern : policy.permissions(ref)) {
                if (Glob.matches(pattern, provider) || Glob.matches(pattern, provider + "/")
                        || pattern.startsWith(provider + "/")) {
                    return true;
                }
            }
        }
        return false;
    }
}
