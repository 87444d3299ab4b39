package io.gproxy.channel;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An HTTP proxy for upstream calls ({@code proxy_url} of a credential or provider, the instance settings'
 * {@code proxy}, or {@code GPROXY_UPSTREAM_PROXY_URL}). Only {@code http://} proxies: the JDK client speaks plain
 * HTTP to the proxy and tunnels https upstreams through {@code CONNECT}, so the upstream's TLS stays end to end.
 * {@code direct} (or {@code none}) means "no proxy", so one credential can opt out of its provider's proxy.
 *
 * @param user     proxy user for Basic proxy authentication, or null
 * @param password proxy password, or null; never printed
 */
public record OutboundProxy(String host, int port, String user, String password) {

    /** No proxy at all. */
    public static final OutboundProxy DIRECT = new OutboundProxy("", 0, null, null);

    public boolean direct() {
        return this.equals(DIRECT);
    }

    /**
     * Parses a configured value. Blank gives null ("not set here, ask the next level").
     *
     * @throws ChannelException naming what is wrong, never echoing the value (it may hold a password)
     */
    public static OutboundProxy parse(String value) throws ChannelException {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.equals("direct") || lower.equals("none")) {
            return DIRECT;
        }
        URI uri;
        try {
            uri = new URI(v);
        } catch (URISyntaxException e) {
            throw new ChannelException("proxy URL is not a valid URL");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new ChannelException("proxy URL must start with http:// (https upstreams are tunnelled with CONNECT)");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new ChannelException("proxy URL has no host");
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new ChannelException("proxy URL must not have a path, query or fragment");
        }
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        String user = null;
        String password = null;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? "" : decode(info.substring(colon + 1));
        }
        return new OutboundProxy(uri.getHost(), port, user, password);
    }

    public boolean authenticated() {
        return user != null;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return direct() ? "direct" : "http://" + (user == null ? "" : user + ":***@") + host + ":" + port;
    }
}
