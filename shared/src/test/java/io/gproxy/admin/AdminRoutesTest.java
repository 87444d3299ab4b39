package io.gproxy.admin;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class AdminRoutesTest {
    private static final Endpoint NONE = c -> null;

    private final AdminRoutes routes = new AdminRoutes()
            .add("GET", "/admin/providers/{id}", Access.ADMIN, NONE)
            .add("DELETE", "/admin/providers/{id}", Access.ADMIN, NONE)
            .add("GET", "/admin/providers/{pid}/routing-rules", Access.ADMIN, NONE)
            .add("POST", "/admin/providers/{pid}/routing-rules/reset", Access.ADMIN, NONE)
            .add("GET", "/admin/providers/{pid}/{x}/{y}", Access.ADMIN, NONE);

    @Test
    void capturesParameters() {
        AdminRoutes.Match m = routes.find("GET", "/admin/providers/7");
        assertEquals(Map.of("id", "7"), m.params());
        assertEquals(Map.of("pid", "7"), routes.find("GET", "/admin/providers/7/routing-rules").params());
    }

    @Test
    void literalSegmentsWinOverParameters() {
        AdminRoutes.Match m = routes.find("POST", "/admin/providers/7/routing-rules/reset");
        assertEquals(Map.of("pid", "7"), m.params());
    }

    @Test
    void knownPathWithAnotherMethodListsTheAllowedOnes() {
        AdminRoutes.Match m = routes.find("PUT", "/admin/providers/7");
        assertNull(m.registered());
        assertEquals(List.of("GET", "DELETE"), List.copyOf(m.allowed()));
        assertEquals(List.of("GET"), List.copyOf(routes.find("POST", "/admin/providers/7/x/y").allowed()));
    }

    @Test
    void unknownPathsAndEmptySegmentsDoNotMatch() {
        assertNull(routes.find("GET", "/admin/nothing"));
        assertNull(routes.find("GET", "/admin/providers//routing-rules"));
        assertEquals(Map.of("id", "7"), routes.find("GET", "/admin/providers/7/").params(), "a trailing slash is tolerated");
    }

    @Test
    void headIsServedByGet() {
        assertEquals(Map.of("id", "1"), routes.find("HEAD", "/admin/providers/1").params());
        assertEquals(routes.find("GET", "/admin/providers/1").registered(), routes.find("HEAD", "/admin/providers/1").registered());
    }
}
