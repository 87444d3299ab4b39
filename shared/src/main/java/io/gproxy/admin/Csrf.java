package io.gproxy.admin;

import io.gproxy.http.Headers;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Cross-site request forgery check (spec/core.md §5.3), for state-changing requests that carry the session
 * cookie: the browser's {@code Origin} (else {@code Referer}) must name this host. No Origin and no Referer is
 * allowed (non-browser clients); {@code Origin: null} (sandboxed or privacy-redirected pages) is refused.
 *
 * <p>Behind CloudFront the function sees its Function URL's host, not the distribution's (the Host header cannot be
 * forwarded to a Function URL), so Origin never equals Host there. {@code Sec-Fetch-Site}, which browsers set and
 * pages cannot, settles it: {@code same-origin} admits an Origin that differs from Host, and {@code cross-site} or
 * {@code same-site} refuses whatever Origin says. Browsers without Fetch Metadata fall back to the Host comparison,
 * which refuses rather than admits. Requests authenticated by API key are not at risk (browsers do not attach
 * those) and are not checked.
 */
final class Csrf {
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private Csrf() {}

    static boolean admits(String method, Headers headers) {
        if (SAFE.contains(method)) {
            return true;
        }
        String site = headers.firstOrNull("sec-fetch-site");
        if (site != null && (site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site"))) {
            return false;
        }
        boolean browserSaysSameOrigin = site != null && site.equalsIgnoreCase("same-origin");
        String host = headers.firstOrNull("host");
        String origin = headers.firstOrNull("origin");
        if (origin != null) {
            if (origin.trim().equalsIgnoreCase("null")) {
                return false;
            }
            return sameAuthority(origin, host) || browserSaysSameOrigin;
        }
        String referer = headers.firstOrNull("referer");
        return referer == null || sameAuthority(referer, host) || browserSaysSameOrigin;
    }

    private static boolean sameAuthority(String url, String host) {
        if (host == null) {
            return false;
        }
        try {
            String authority = URI.create(url.trim()).getRawAuthority();
            return authority != null && authority.toLowerCase(Locale.ROOT).equals(host.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
