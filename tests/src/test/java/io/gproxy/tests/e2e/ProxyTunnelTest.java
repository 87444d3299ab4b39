package io.gproxy.tests.e2e;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.gproxy.channel.OutboundProxy;
import io.gproxy.tests.mock.ForwardProxy;
import io.gproxy.pipeline.OutboundClients;
import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.FileInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real upstreams are https, so behind a proxy every call is a CONNECT tunnel. This checks that path end to end with
 * a TLS server on loopback: the tunnel is opened with Basic proxy credentials after a 407 (the JDK refuses Basic
 * for tunnels by default; {@link OutboundClients} relaxes that), and TLS runs through the tunnel to the upstream.
 */
class ProxyTunnelTest {
    /** Runs in a child JVM: the JDK reads the tunnel-auth property when the process builds its first client. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            io.gproxy.pipeline.UpstreamClient.defaultHttpClient(Duration.ofSeconds(5)); // the process's first client, as in Gateway
            start();
            try {
                new ProxyTunnelTest().check();
                System.out.println("TUNNEL-OK");
            } finally {
                stop();
            }
        }
    }

    private static final char[] PASS = "changeit".toCharArray();
    private static HttpsServer tls;
    private static SSLContext trust;

    static void start() throws Exception {
        Path dir = Files.createTempDirectory("gproxy-tls");
        Path keystore = dir.resolve("ks.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "upstream", "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", new String(PASS),
                "-keypass", new String(PASS)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            ks.load(in, PASS);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASS);
        SSLContext serverCtx = SSLContext.getInstance("TLS");
        serverCtx.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        trust = SSLContext.getInstance("TLS");
        trust.init(null, tmf.getTrustManagers(), null);

        tls = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        tls.setHttpsConfigurator(new HttpsConfigurator(serverCtx));
        tls.createContext("/v1/models", ex -> {
            byte[] body = "{\"object\":\"list\",\"data\":[]}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("content-type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        tls.start();
    }

    static void stop() {
        tls.stop(0);
    }

    @Test
    void httpsUpstreamThroughAnAuthenticatingProxyTunnel() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Child.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("TUNNEL-OK"), out);
    }

    void check() throws Exception {
        try (ForwardProxy proxy = new ForwardProxy("gw", "tunnel-pass")) {
            HttpClient direct = HttpClient.newBuilder().sslContext(trust).build();
            OutboundClients clients = new OutboundClients(direct, Duration.ofSeconds(5));
            OutboundProxy viaProxy = OutboundProxy.parse("http://gw:tunnel-pass@127.0.0.1:" + proxy.port());
            URI upstream = URI.create("https://127.0.0.1:" + tls.getAddress().getPort() + "/v1/models");

            HttpResponse<String> r = clients.client(viaProxy).send(HttpRequest.newBuilder(upstream).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("\"list\""));
            assertEquals(1, proxy.seen().size(), "one tunnel");
            assertEquals("CONNECT", proxy.seen().get(0).method());
            assertEquals("127.0.0.1:" + tls.getAddress().getPort(), proxy.seen().get(0).target());
            assertTrue(proxy.challenges() >= 1, "credentials were sent after the proxy asked for them");
        }
    }
}
