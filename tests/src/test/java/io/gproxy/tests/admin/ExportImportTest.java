package io.gproxy.tests.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.app.Gateway;
import io.gproxy.crypto.MasterKeyCipher;
import io.gproxy.local.ExportCommand;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.ConfigState;
import io.gproxy.store.memory.MemoryConfigStore;
import io.gproxy.tests.e2e.GatewayFixture;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

import static io.gproxy.tests.admin.AdminHttp.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Export then import into a fresh store yields the same config, entity by entity; without secrets the export holds
 * none; {@code gproxy export} writes the same document to an owner-only file from the data directory.
 */
class ExportImportTest {

    @Test
    void exportImportRoundTripAndTheCommandLine() throws Exception {
        GatewayFixture gw = new GatewayFixture().start();
        AdminHttp http = new AdminHttp(gw.baseUrl());
        JsonNode withSecrets;
        JsonNode without;
        ConfigState original;
        try {
            // make the config richer than the example bundle: a password, a generated key, a new provider with
            // seeded routing rules, settings
            assertEquals(200, http.admin("POST", "/admin/users", "{\"id\":2,\"password\":\"alice-pw\"}").status());
            assertEquals(201, http.admin("POST", "/admin/users/2/keys", "{\"label\":\"generated\"}").status());
            assertEquals(201, http.admin("POST", "/admin/providers", "{\"name\":\"dsk\",\"channel\":\"deepseek\"}").status());
            assertEquals(200, http.admin("POST", "/admin/instance-settings", "{\"retention_days\":14}").status());

            withSecrets = http.admin("GET", "/admin/export?secrets=true", null).json();
            without = http.admin("GET", "/admin/export", null).json();
            original = gw.server().gateway().store().load();
        } finally {
            gw.server().close();
        }

        // import into a fresh store with the same master key: identical config, entity by entity
        MemoryConfigStore fresh = new MemoryConfigStore();
        Gateway target = Gateway.builder().store(fresh).cipher(MasterKeyCipher.fromBase64(GatewayFixture.MASTER_KEY)).build();
        target.importer().importBundle(withSecrets);
        ConfigState copy = fresh.load();
        Map<String, ObjectNode> a = comparable(original);
        Map<String, ObjectNode> b = comparable(copy);
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertEquals(a.get(k), b.get(k), k);
        }
        assertTrue(a.size() > 40, "compared " + a.size() + " entities");
        // sealed values differ (fresh nonces) but open to the same secrets: exporting the copy gives the same bundle
        assertEquals(withSecrets, target.exporter().export(copy, true));

        // without secrets: no credential secret, no bare key, no password hash
        String plain = without.toString();
        for (String s : new String[]{GatewayFixture.OPENAI_UPSTREAM_KEY, GatewayFixture.ANTHROPIC_UPSTREAM_KEY,
                GatewayFixture.GEMINI_UPSTREAM_KEY, GatewayFixture.ALICE_KEY, AdminHttp.ADMIN_KEY, "pbkdf2",
                "secret_json", "\"password\""}) {
            assertFalse(plain.contains(s), s);
        }
        without.path("user_keys").forEach(k -> assertFalse(k.has("api_key"), k.toString()));
        assertTrue(withSecrets.path("user_keys").get(0).has("api_key"));
        assertEquals(withSecrets.path("providers"), without.path("providers"));

        // the command line reads the (stopped) server's data directory
        Path out = gw.dataDir.resolve("export/bundle.json");
        Map<String, String> env = Map.of("GPROXY_MASTER_KEY", GatewayFixture.MASTER_KEY);
        int n = ExportCommand.run(ExportCommand.parse(new String[]{"--out", out.toString(), "--with-secrets",
                "--data-dir", gw.dataDir.toString()}, Map.of()), env);
        assertEquals(original.items().size(), n);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        assertEquals(withSecrets, JSON.readTree(Files.readString(out, StandardCharsets.UTF_8)));

        Path plainOut = gw.dataDir.resolve("plain.json");
        ExportCommand.run(ExportCommand.parse(new String[]{"--out", plainOut.toString(), "--data-dir",
                gw.dataDir.toString()}, Map.of()), env);
        assertEquals(without, JSON.readTree(Files.readString(plainOut, StandardCharsets.UTF_8)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(plainOut)));
        gw.close();
    }

    /**
     * Entities keyed by type and id, without what legitimately differs: sealed values (random nonces; their
     * plaintexts are compared through the export) and the {@code seeded} marker of routing rules (an import keeps a
     * bundle's rules as given).
     */
    private static Map<String, ObjectNode> comparable(ConfigState state) {
        Map<String, ObjectNode> out = new TreeMap<>();
        for (ConfigItem i : state.items()) {
            ObjectNode d = i.doc().deepCopy();
            d.remove(java.util.List.of("secret_sealed", "api_key_sealed", "seeded"));
            out.put(i.type().itemName() + "#" + i.id(), d);
        }
        return out;
    }

}
