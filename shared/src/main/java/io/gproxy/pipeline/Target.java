package io.gproxy.pipeline;

import io.gproxy.config.Provider;

/**
 * One place a request may go: a provider and the model id to ask it for. {@code memberId} is set when the target
 * came from a route member.
 */
public record Target(Provider provider, String upstreamModel, Long memberId) {
}
