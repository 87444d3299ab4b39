package io.gproxy.channel.login;

import java.util.Map;

/**
 * How an operator logs in to an OAuth channel to create a credential (spec/core.md §3.5, §13.4): the public client
 * of the provider's own CLI, its authorize endpoint and default redirect (a page that shows the code for the
 * operator to paste back: the gateway cannot receive a redirect to localhost), scopes and extra parameters.
 *
 * @param clientSecret   the installed-app client secret where the provider's CLI has one (Google), else null
 * @param authorizeExtra extra authorize-URL parameters, in order
 * @param tokenHeaders   headers the token endpoint expects (Anthropic's version and beta headers)
 * @param stateInToken   whether the token request repeats {@code state} (Anthropic's endpoint wants it)
 * @param deviceFlow     whether the channel also offers a device-code login
 */
public record LoginSpec(String authorizeUrl, String clientId, String clientSecret, String defaultRedirectUri,
                        String scopes, Map<String, String> authorizeExtra, Map<String, String> tokenHeaders,
                        boolean stateInToken, boolean deviceFlow) {
}
