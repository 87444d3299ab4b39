package io.gproxy.pipeline;

import io.gproxy.config.Alias;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.config.Provider;
import io.gproxy.config.Route;
import io.gproxy.config.RouteMember;
import io.gproxy.protocol.ClassifiedRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * From the requested model to targets (spec/surface.md §3.2, §3.3). Aggregated: global aliases, then a route name,
 * then {@code provider/model} (split at the first '/') with that provider's aliases; bare names are never guessed.
 * Scoped: the provider from the path, the model through its aliases.
 */
public final class ModelResolver {
    private ModelResolver() {}

    public static Resolution resolve(ClassifiedRequest request, ConfigSnapshot snapshot) throws GatewayError {
        String requested = request.model();
        if (request.scopedProvider() != null) {
            Provider provider = enabledProvider(snapshot, request.scopedProvider());
            if (request.operation().isContentGeneration() && (requested == null || requested.isBlank())) {
                // refused here, before admission: the upstream would refuse it anyway, after a rate-limit slot was taken
                throw GatewayError.badRequest("the request names no model");
            }
            String model = requested == null ? null : applyAliases(snapshot.providerAliases(provider.name()), requested);
            return new Resolution(requested, null, List.of(new Target(provider, model, null)));
        }
        if (requested == null || requested.isBlank()) {
            throw new GatewayError(404, "unknown route: the request names no model");
        }
        String name = applyAliases(snapshot.globalAliases(), requested);
        Optional<Route> route = snapshot.route(name);
        if (route.isPresent()) {
            List<Target> targets = new ArrayList<>();
            for (RouteMember m : route.get().members()) {
                snapshot.provider(m.providerId()).filter(Provider::enabled)
                        .ifPresent(p -> targets.add(new Target(p, m.upstreamModelId(), m.id())));
            }
            if (targets.isEmpty()) {
                throw new GatewayError(503, "no available members");
            }
            return new Resolution(requested, route.get().name(), targets);
        }
        int slash = name.indexOf('/');
        if (slash > 0 && slash < name.length() - 1) {
            Provider provider = enabledProvider(snapshot, name.substring(0, slash));
            String model = applyAliases(snapshot.providerAliases(provider.name()), name.substring(slash + 1));
            return new Resolution(requested, null, List.of(new Target(provider, model, null)));
        }
        throw GatewayError.unknownRoute(requested);
    }

    private static Provider enabledProvider(ConfigSnapshot snapshot, String name) throws GatewayError {
        return snapshot.provider(name).filter(Provider::enabled).orElseThrow(() -> GatewayError.unknownProvider(name));
    }

    /** First matching alias wins. */
    static String applyAliases(List<Alias> aliases, String model) {
        for (Alias a : aliases) {
            Optional<String> out = a.apply(model);
            if (out.isPresent()) {
                return out.get();
            }
        }
        return model;
    }
}
