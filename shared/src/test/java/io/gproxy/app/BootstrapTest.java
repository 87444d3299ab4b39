package io.gproxy.app;

import io.gproxy.crypto.KeyDigests;
import io.gproxy.crypto.MasterKeyCipher;
import io.gproxy.crypto.PasswordHasher;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.EntityType;
import io.gproxy.store.memory.MemoryConfigStore;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** First start on an empty store: an admin who can log in, a key that works, and nothing generated twice. */
class BootstrapTest {
    @Test
    void aFreshStoreGetsAnAdminAKeyAndPermissionToUseIt() {
        MemoryConfigStore store = new MemoryConfigStore();
        Bootstrap bootstrap = new Bootstrap(store, MasterKeyCipher.fromBase64(MasterKeyCipher.generateKeyBase64()), "admin", null);
        Bootstrap.Result first = bootstrap.run();
        assertTrue(first.firstStart());
        ConfigSnapshot snap = ConfigSnapshot.build(store.load());
        var identity = snap.keyByDigest(KeyDigests.digest(first.apiKey())).orElseThrow();
        assertTrue(identity.user().admin());
        assertTrue(PasswordHasher.verify(first.password(), identity.user().passwordHash()));
        assertTrue(store.load().items().stream().anyMatch(i -> i.type() == EntityType.ROUTE_PERMISSION
                && i.doc().path("route_pattern").asText().equals("*")), "the printed key may call every route");
        for (ConfigItem i : store.load().items()) {
            assertFalse(i.doc().toString().contains(first.apiKey()), "the key is stored only as digest and sealed copy");
            assertFalse(i.doc().toString().contains(first.password()), "the password is stored only hashed");
        }

        Bootstrap.Result again = bootstrap.run();
        assertFalse(again.firstStart());
        assertNull(again.password());
        assertEquals(store.load().items().size(), ConfigSnapshot.build(store.load()).items().size());
    }
}
