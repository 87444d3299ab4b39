package io.gproxy.billing;

import io.gproxy.config.ConfigSnapshot;
import io.gproxy.config.Org;
import io.gproxy.config.Team;
import io.gproxy.config.User;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Route permissions (spec/core.md §10.1), a pure function of the snapshot: the user's org must exist and be enabled,
 * and its team (if any) too; the effective patterns are the union of the user's, team's and org's
 * {@code route_permissions}; a route call is allowed when a pattern matches the route name, a direct call when one
 * matches the provider name or {@code provider/model}.
 */
public final class Permissions {
    private Permissions() {}

    /** The scope chain of a user, most specific first, or empty when the org or team is missing or disabled. */
    public static Optional<List<Scope.Ref>> chain(ConfigSnapshot snapshot, User user) {
        Optional<Org> org = snapshot.org(user.orgId());
        if (org.isEmpty() || !org.get().enabled()) {
            return Optional.empty();
        }
        List<Scope.Ref> chain = new ArrayList<>(3);
        chain.add(new Scope.Ref(Scope.USER, user.id()));
        if (user.teamId() != null) {
            Optional<Team> team = snapshot.team(user.teamId());
            if (team.isEmpty() || !team.get().enabled()) {
                return Optional.empty();
            }
            chain.add(new Scope.Ref(Scope.TEAM, user.teamId()));
        }
        chain.add(new Scope.Ref(Scope.ORG, user.orgId()));
        return Optional.of(chain);
    }

    /**
     * @param routeName the route called, or null for a direct ({@code provider/model}) or scoped call
     */
    public static boolean allows(BillingPolicy policy, List<Scope.Ref> chain, String routeName, String provider,
                                 String model) {
        for (Scope.Ref ref : chain) {
            for (String pattern : policy.permissions(ref)) {
                if (routeName != null) {
                    if (Glob.matches(pattern, routeName)) {
                        return true;
                    }
                } else if (Glob.matches(pattern, provider) || (model != null && Glob.matches(pattern, provider + "/" + model))) {
                    return true;
                }
            }
        }
        return false;
    }
}
