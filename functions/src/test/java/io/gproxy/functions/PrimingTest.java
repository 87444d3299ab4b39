package io.gproxy.functions;

import io.gproxy.app.Gateway;
import io.gproxy.crypto.MasterKeyCipher;
import io.gproxy.http.FunctionGroup;
import io.gproxy.store.memory.MemoryConfigStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Priming runs before a SnapStart checkpoint: it must succeed without any network, store read or secret, and
 * leave the store untouched.
 */
class PrimingTest {
    @Test
    void primingTouchesNeitherStoreNorNetwork() {
        MemoryConfigStore store = new MemoryConfigStore();
        Gateway gateway = Gateway.builder().store(store)
                .cipher(MasterKeyCipher.fromBase64(MasterKeyCipher.generateKeyBase64()))
                .log(new PrintStream(new ByteArrayOutputStream())).build();
        assertDoesNotThrow(() -> Priming.prime(gateway.handler(EnumSet.allOf(FunctionGroup.class))));
        assertEquals(0, store.version(), "nothing was written");
    }
}
