package io.gproxy.admin;

import io.gproxy.http.Headers;
import io.gproxy.http.HttpRequest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsrfAndClientIpTest {

    @Test
    void csrfTable() {
        Headers sameOrigin = Headers.of("host", "gw.example:8443", "origin", "https://gw.example:8443");
        assertTrue(Csrf.admits("POST", sameOrigin));
        assertTrue(Csrf.admits("POST", Headers.of("host", "GW.example", "origin", "https://gw.EXAMPLE")));
        assertFalse(Csrf.admits("POST", Headers.of("host", "gw.example", "origin", "https://evil.example")));
        assertFalse(Csrf.admits("DELETE", Headers.of("host", "gw.example", "origin", "https://gw.example:444")));
        assertFalse(Csrf.admits("POST", Headers.of("host", "gw.example", "origin", "null")));
        assertTrue(Csrf.admits("POST", Headers.of("host", "gw.example")), "no Origin, no Referer");
        assertTrue(Csrf.admits("POST", Headers.of("host", "gw.example", "referer", "https://gw.example/console/x")));
        assertFalse(Csrf.admits("POST", Headers.of("host", "gw.example", "referer", "https://evil.example/gw.example")));
        assertFalse(Csrf.admits("POST", Headers.of("host", "gw.example", "origin", "not a url ::")));
        assertFalse(Csrf.admits("PATCH", Headers.of("origin", "https://gw.example")), "no Host: nothing to match");
        assertTrue(Csrf.admits("GET", Headers.of("host", "gw.example", "origin", "https://evil.example")), "reads are safe");
        // behind CloudFront: Host is the Function URL's, the browser's Fetch Metadata decides
        assertTrue(Csrf.admits("POST", Headers.of("host", "abc.lambda-url.eu-west-1.on.aws",
                "origin", "https://d111.cloudfront.net", "sec-fetch-site", "same-origin")));
        assertFalse(Csrf.admits("POST", Headers.of("host", "abc.lambda-url.eu-west-1.on.aws",
                "origin", "https://d111.cloudfront.net")), "no Fetch Metadata: refused");
        assertFalse(Csrf.admits("POST", Headers.of("host", "gw.example", "origin", "https://gw.example",
                "sec-fetch-site", "cross-site")));
        assertFalse(Csrf.admits("POST", Headers.of("host", "gw.example", "sec-fetch-site", "same-site")));
        assertFalse(Csrf.admits("POST", Headers.of("host", "gw.example", "origin", "null", "sec-fetch-site", "same-origin")));
        assertTrue(Csrf.admits("POST", Headers.of("host", "gw.example", "sec-fetch-site", "none")), "typed by the user");
    }

    @Test
    void forwardedAddressesAreBelievedOnlyFromTrustedPeers() {
        ClientIp local = new ClientIp(false);
        assertEquals("203.0.113.9", local.of(req("203.0.113.9", "x-real-ip", "10.0.0.1")), "remote peer: header ignored");
        assertEquals("10.0.0.1", local.of(req("127.0.0.1", "x-real-ip", "10.0.0.1")));
        assertEquals("10.0.0.3", local.of(req("127.0.0.1", "x-forwarded-for", "1.1.1.1, 10.0.0.3")), "rightmost hop");
        assertEquals("127.0.0.1", local.of(req("127.0.0.1")));

        ClientIp edge = new ClientIp(true);
        assertEquals("192.0.2.7", edge.of(req("130.176.0.1", "cloudfront-viewer-address", "192.0.2.7:53211")));
        assertEquals("2001:db8::1", edge.of(req("130.176.0.1", "cloudfront-viewer-address", "2001:db8::1:443")));
        assertEquals("130.176.0.1", edge.of(req("130.176.0.1")));
        assertEquals("192.0.2.8", edge.of(req("130.176.0.1", "x-forwarded-for", "6.6.6.6, 192.0.2.8, 130.176.0.1")),
                "the hop CloudFront appended, not what the client sent");
    }

    private static HttpRequest req(String peer, String... headers) {
        return new HttpRequest("POST", "/admin/login", null, Headers.of(headers), null, peer);
    }
}
