package io.gproxy.channel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutboundProxyTest {

    @Test
    void parsesHostPortAndPercentEncodedCredentials() throws Exception {
        OutboundProxy p = OutboundProxy.parse(" http://team%40corp:p%3Ass+word@proxy.internal:3128 ");
        assertEquals("proxy.internal", p.host());
        assertEquals(3128, p.port());
        assertEquals("team@corp", p.user());
        assertEquals("p:ss+word", p.password());
        assertTrue(p.authenticated());
        assertEquals("http://team@corp:***@proxy.internal:3128", p.toString(), "the password is never printed");
    }

    @Test
    void defaultsAndSpecialValues() throws Exception {
        assertNull(OutboundProxy.parse(null));
        assertNull(OutboundProxy.parse("  "));
        assertSame(OutboundProxy.DIRECT, OutboundProxy.parse("direct"));
        assertSame(OutboundProxy.DIRECT, OutboundProxy.parse("NONE"));
        OutboundProxy p = OutboundProxy.parse("http://10.0.0.1");
        assertEquals(80, p.port());
        assertFalse(p.authenticated());
    }

    @Test
    void unusableValuesAreClearErrorsThatDoNotEchoTheValue() {
        for (String bad : new String[]{"socks5://u:secretpw@h:1080", "https://h:443", "http://:8080", "http://h:1/path",
                "http://h:1?x=1", "not a url"}) {
            ChannelException e = assertThrows(ChannelException.class, () -> OutboundProxy.parse(bad), bad);
            assertFalse(e.getMessage().contains("secretpw"), e.getMessage());
        }
    }
}
