package io.gproxy.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.channel.RoutingTable;
import io.gproxy.config.Provider;
import io.gproxy.config.Route;
import io.gproxy.config.RouteMember;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RouteBalancerTest {
    static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    static final Provider P = new Provider(1, "p", "openai", JsonNodeFactory.instance.objectNode(), "round_robin", true,
            RoutingTable.builder().build());

    /** Members 1..n: (tier, weight) pairs, already in snapshot order (tier asc, weight desc). */
    static Route route(String strategy, boolean affinity, int[]... tierWeight) {
        List<RouteMember> members = new ArrayList<>();
        for (int i = 0; i < tierWeight.length; i++) {
            members.add(new RouteMember(i + 1, 9, 1, "m" + (i + 1), tierWeight[i][1], tierWeight[i][0]));
        }
        ObjectNode settings = JsonNodeFactory.instance.objectNode();
        settings.putObject("affinity").put("enabled", affinity);
        return new Route(9, "r", strategy, members, settings);
    }

    static List<Target> targets(Route r) {
        return r.members().stream().map(m -> new Target(P, m.upstreamModelId(), m.id())).toList();
    }

    static List<Long> ids(List<Target> ts) {
        return ts.stream().map(Target::memberId).toList();
    }

    @Test
    void failoverKeepsTheStoredOrder() {
        RouteBalancer b = new RouteBalancer();
        Route r = route("failover", false, new int[]{0, 100}, new int[]{0, 50}, new int[]{1, 100});
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of(1L, 2L, 3L), ids(b.order(r, targets(r), null, T)));
        }
    }

    @Test
    void roundRobinRotatesInsideATierAndTiersStayStrict() {
        RouteBalancer b = new RouteBalancer();
        Route r = route("round_robin", false, new int[]{0, 100}, new int[]{0, 100}, new int[]{1, 100}, new int[]{1, 100});
        assertEquals(List.of(1L, 2L, 3L, 4L), ids(b.order(r, targets(r), null, T)));
        assertEquals(List.of(2L, 1L, 4L, 3L), ids(b.order(r, targets(r), null, T)));
        assertEquals(List.of(1L, 2L, 3L, 4L), ids(b.order(r, targets(r), null, T)));
    }

    @Test
    void weightedLeadsInProportionToWeights() {
        RouteBalancer b = new RouteBalancer();
        Route r = route("weighted", false, new int[]{0, 300}, new int[]{0, 100});
        Map<Long, Integer> leads = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            leads.merge(b.order(r, targets(r), null, T).get(0).memberId(), 1, Integer::sum);
        }
        assertEquals(300, leads.get(1L));
        assertEquals(100, leads.get(2L));
    }

    @Test
    void affinityPinsTheServingMemberPerSession() {
        RouteBalancer b = new RouteBalancer();
        Route r = route("round_robin", true, new int[]{0, 100}, new int[]{0, 100}, new int[]{0, 100});
        String s1 = RouteBalancer.affinityKey(r, 5, "session-1");
        String s2 = RouteBalancer.affinityKey(r, 5, "session-2");
        assertNotEquals(s1, s2);
        b.served(s1, targets(r).get(2), T);
        for (int i = 0; i < 4; i++) {
            assertEquals(3L, b.order(r, targets(r), s1, T).get(0).memberId(), "pinned");
        }
        assertNull(RouteBalancer.affinityKey(route("round_robin", false, new int[]{0, 1}), 5, "session-1"), "opt-in only");
    }
}
