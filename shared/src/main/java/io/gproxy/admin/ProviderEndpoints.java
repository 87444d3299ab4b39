package io.gproxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.app.BundleImporter;
import io.gproxy.channel.CatalogModel;
import io.gproxy.channel.CatalogRefresher;
import io.gproxy.channel.Channel;
import io.gproxy.channel.ChannelRegistry;
import io.gproxy.channel.CredentialKind;
import io.gproxy.config.Credential;
import io.gproxy.config.Provider;
import io.gproxy.crypto.SecretCipher;
import io.gproxy.pipeline.GatewayError;
import io.gproxy.protocol.Json;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.ConfigStore;
import io.gproxy.store.EntityType;
import io.gproxy.store.GeneratedIds;

import java.util.ArrayList;
import java.util.List;

/**
 * Provider operations beyond CRUD: the channel catalogue, re-seeding routing rules from the channel's defaults,
 * and the live model pull ({@link CatalogRefresher}: upstream list with a timeout, else the stored catalogue; new
 * ids are stored, none deleted).
 */
final class ProviderEndpoints {
    private final ChannelRegistry channels;
    private final ConfigWriter writer;
    private final BundleImporter importer;
    private final CatalogRefresher catalog;
    private final SecretCipher cipher;

    ProviderEndpoints(ChannelRegistry channels, ConfigWriter writer, BundleImporter importer, CatalogRefresher catalog,
                      SecretCipher cipher) {
        this.channels = channels;
        this.writer = writer;
        this.importer = importer;
        this.catalog = catalog;
        this.cipher = cipher;
    }

    void register(AdminRoutes routes) {
        routes.add("GET", "/admin/channels", Access.ADMIN, c -> Replies.ok(Replies.items(describeChannels())));
        routes.add("POST", "/admin/providers/{pid}/routing-rules/reset", Access.ADMIN, c -> resetRoutingRules(c.id("pid")));
        routes.add("GET", "/admin/providers/{pid}/upstream-models", Access.ADMIN, this::upstreamModels);
    }

    private List<ObjectNode> describeChannels() {
        List<ObjectNode> out = new ArrayList<>();
        for (Channel ch : channels.all()) {
            ObjectNode n = ch.metadata().toJson(ch.routingDefaults());
            ArrayNode secretFields = n.putArray("secret_fields");
            List<CredentialKind> kinds = ch.metadata().credentialKinds();
            if (!kinds.isEmpty()) {
                kinds.get(0).fields().forEach(f -> secretFields.add(f.toJson()));
            }
            n.set("settings_fields", n.get("settings"));
            out.add(n);
        }
        out.sort(java.util.Comparator.comparing(o -> o.path("id").asText()));
        return out;
    }

    private io.gproxy.http.HttpResponse resetRoutingRules(long providerId) throws GatewayError {
        List<ObjectNode> views = writer.apply(state -> {
            ConfigItem provider = CrudEngine.find(state.items(), EntityType.PROVIDER, Long.toString(providerId))
                    .orElseThrow(() -> CrudEngine.notFound(EntityType.PROVIDER, Long.toString(providerId)));
            List<ConfigStore.ConfigKey> deletes = new ArrayList<>();
            for (ConfigItem i : state.items()) {
                if (i.type() == EntityType.ROUTING_RULE && i.doc().path("provider_id").asLong() == providerId) {
                    deletes.add(new ConfigStore.ConfigKey(EntityType.ROUTING_RULE, i.id()));
                }
            }
            List<ConfigItem> seeded = importer.defaultRoutingRules(providerId, provider.doc().path("channel").asText(),
                    GeneratedIds.next(CrudEngine.idsOf(state, EntityType.ROUTING_RULE)));
            List<ObjectNode> out = seeded.stream().map(i -> EntityViews.view(EntityType.ROUTING_RULE, i.doc())).toList();
            return new ConfigWriter.Change<>(seeded, deletes, out);
        });
        return Replies.ok(Replies.items(views));
    }

    private io.gproxy.http.HttpResponse upstreamModels(AdminCall c) throws GatewayError {
        long providerId = c.id("pid");
        Provider provider = c.snapshot().provider(providerId)
                .orElseThrow(() -> CrudEngine.notFound(EntityType.PROVIDER, Long.toString(providerId)));
        Channel channel = channels.find(provider.channel())
                .orElseThrow(() -> new GatewayError(400, "unknown channel " + provider.channel()));
        JsonNode secret = firstSecret(c.snapshot().credentials(providerId));
        List<Long> usedIds = new ArrayList<>();
        c.snapshot().items().stream().filter(i -> i.type() == EntityType.PROVIDER_MODEL)
                .forEach(i -> usedIds.add(i.numericId()));
        CatalogRefresher.Result result = catalog.refresh(channel, providerId, provider.settings(), secret,
                c.snapshot().models(providerId), usedIds);
        int added = 0;
        if (!result.newRows().isEmpty()) {
            added = writer.apply(state -> {
                // ids were picked from the snapshot: re-pick against the fresh read so nothing is overwritten
                List<Long> ids = CrudEngine.idsOf(state, EntityType.PROVIDER_MODEL);
                java.util.Set<String> have = new java.util.HashSet<>();
                state.items().stream().filter(i -> i.type() == EntityType.PROVIDER_MODEL
                                && i.doc().path("provider_id").asLong() == providerId)
                        .forEach(i -> have.add(i.doc().path("model_id").asText()));
                List<ConfigItem> puts = new ArrayList<>();
                for (var row : result.newRows()) {
                    if (have.add(row.modelId())) {
                        long id = GeneratedIds.next(ids);
                        ids.add(id);
                        puts.add(CatalogRefresher.toConfigItem(new io.gproxy.config.ProviderModel(id, providerId,
                                row.modelId(), row.displayName())));
                    }
                }
                return new ConfigWriter.Change<>(puts, List.of(), puts.size());
            });
        }
        ObjectNode body = Replies.object();
        ArrayNode items = body.putArray("items");
        for (CatalogModel m : result.models()) {
            ObjectNode n = items.addObject().put("model_id", m.id());
            if (m.displayName() != null) {
                n.put("display_name", m.displayName());
            }
        }
        body.put("source", result.live() ? "upstream" : "stored");
        body.put("added", added);
        if (result.error() != null) {
            body.put("error", result.error());
        }
        return Replies.ok(body);
    }

    /** An opened secret of the provider's first enabled credential that opens, or null. */
    private JsonNode firstSecret(List<Credential> credentials) {
        for (Credential cr : credentials) {
            if (!cr.enabled() || cr.sealedSecret() == null) {
                continue;
            }
            try {
                return Json.MAPPER.readTree(cipher.open(cr.sealedSecret(), cr.secretContext()));
            } catch (Exception e) {
                // unreadable with this key: try the next one
            }
        }
        return null;
    }
}
