package io.gproxy.pipeline;

import io.gproxy.channel.OutboundProxy;

import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One JDK {@link HttpClient} per outbound proxy (the JDK binds the proxy to the client, not to the request), the
 * direct client included. Clients are built on first use and kept: the set of proxies is bounded by the config.
 */
public final class OutboundClients {
    private final HttpClient direct;
    private final Duration connectTimeout;
    private final Map<OutboundProxy, HttpClient> proxied = new ConcurrentHashMap<>();

    public OutboundClients(HttpClient direct, Duration connectTimeout) {
        allowBasicProxyAuthForTunnels();
        this.direct = direct;
        this.connectTimeout = connectTimeout;
    }

    /** The client for {@code proxy}; null or {@link OutboundProxy#DIRECT} is the direct client. */
    public HttpClient client(OutboundProxy proxy) {
        if (proxy == null || proxy.direct()) {
            return direct;
        }
        return proxied.computeIfAbsent(proxy, this::build);
    }

    private HttpClient build(OutboundProxy proxy) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_2)
                .sslContext(direct.sslContext()) // the same trust as direct calls
                .proxy(ProxySelector.of(InetSocketAddress.createUnresolved(proxy.host(), proxy.port())));
        if (proxy.authenticated()) {
            b.authenticator(new ProxyOnlyAuthenticator(proxy));
        }
        return b.build();
    }

    /**
     * The JDK refuses Basic credentials for CONNECT tunnels unless {@code jdk.http.auth.tunneling.disabledSchemes} is
     * relaxed, and an https upstream behind an authenticating proxy needs exactly that. The JDK reads the property
     * once, when the first {@link HttpClient} of the process is built, so this runs before the gateway builds any
     * ({@link UpstreamClient#defaultHttpClient}). An operator's explicit setting is respected.
     */
    static void allowBasicProxyAuthForTunnels() {
        if (System.getProperty("jdk.http.auth.tunneling.disabledSchemes") == null) {
            System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
        }
    }

    /** Answers proxy challenges only: an upstream's own 401 must reach the failover loop untouched. */
    private static final class ProxyOnlyAuthenticator extends Authenticator {
        private final OutboundProxy proxy;

        ProxyOnlyAuthenticator(OutboundProxy proxy) {
            this.proxy = proxy;
        }

        @Override
        protected PasswordAuthentication getPasswordAuthentication() {
            if (getRequestorType() != RequestorType.PROXY) {
                return null;
            }
            return new PasswordAuthentication(proxy.user(), proxy.password().toCharArray());
        }
    }
}
