package io.gproxy.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.config.ProviderModel;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKey;
import io.gproxy.protocol.OperationKind;
import io.gproxy.store.ConfigItem;
import io.gproxy.store.EntityType;
import io.gproxy.store.GeneratedIds;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A provider's model catalogue (spec/surface.md §3.6): the live upstream list (the channel builds the request and
 * parses the answer) with a timeout, else the stored {@code provider_models}; channels without a list endpoint
 * give their bundled list. Newly seen ids come back as {@link ProviderModel} rows for the caller to write
 * (additive: nothing is ever deleted). {@code settings_json.auto_refresh_models = false} skips the live call.
 */
public final class CatalogRefresher {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final ChannelHttp http;
    private final Duration timeout;
    private final Clock clock;

    public CatalogRefresher(ChannelHttp http, Duration timeout, Clock clock) {
        this.http = http;
        this.timeout = timeout;
        this.clock = clock;
    }

    /**
     * @param models  the catalogue to serve: live (or bundled) ids first, then stored ones not seen live
     * @param live    true when the upstream answered
     * @param newRows ids not stored yet, with generated ids, to write to {@code provider_models}
     * @param error   why the live list was not used, or null
     */
    public record Result(List<CatalogModel> models, boolean live, List<ProviderModel> newRows, String error) {}

    /**
     * @param secret      an opened, fresh secret of one of the provider's credentials (null for bundled catalogues)
     * @param stored      the provider's stored models
     * @param usedIds     every provider_model id in use (all providers), for id generation
     */
    public Result refresh(Channel channel, long providerId, ObjectNode settings, JsonNode secret,
                          List<ProviderModel> stored, Collection<Long> usedIds) {
        List<CatalogModel> upstream;
        boolean live = false;
        String error = null;
        List<CatalogModel> bundled = channel.bundledModels();
        if (!bundled.isEmpty()) {
            upstream = bundled;
        } else if (settings != null && settings.path("auto_refresh_models").isBoolean()
                && !settings.get("auto_refresh_models").asBoolean()) {
            upstream = List.of();
            error = "auto_refresh_models is off";
        } else {
            try {
                upstream = fetch(channel, settings, secret);
                live = true;
            } catch (ChannelException | IOException e) {
                upstream = List.of();
                error = e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                upstream = List.of();
                error = "interrupted";
            }
        }
        Map<String, CatalogModel> merged = new LinkedHashMap<>();
        upstream.forEach(m -> merged.putIfAbsent(m.id(), m));
        Map<String, ProviderModel> known = new LinkedHashMap<>();
        stored.forEach(m -> known.putIfAbsent(m.modelId(), m));
        known.values().forEach(m -> merged.putIfAbsent(m.modelId(), new CatalogModel(m.modelId(), m.displayName())));
        List<ProviderModel> newRows = new ArrayList<>();
        List<Long> ids = new ArrayList<>(usedIds);
        for (CatalogModel m : upstream) {
            if (!known.containsKey(m.id())) {
                long id = GeneratedIds.next(ids);
                ids.add(id);
                newRows.add(new ProviderModel(id, providerId, m.id(), m.displayName()));
                known.put(m.id(), newRows.get(newRows.size() - 1));
            }
        }
        return new Result(List.copyOf(merged.values()), live, List.copyOf(newRows), error);
    }

    private List<CatalogModel> fetch(Channel channel, ObjectNode settings, JsonNode secret)
            throws ChannelException, IOException, InterruptedException {
        UpstreamRequest req = channel.prepareModelList(secret, settings, clock.instant());
        if (req == null) {
            throw new ChannelException("channel " + channel.id() + " has no model list");
        }
        ChannelHttp.Result r = http.send(req, timeout);
        OperationKey key = new OperationKey(Operation.LIST_MODELS, OperationKind.ofFamily(channel.metadata().family()));
        byte[] body = channel.shapeResponse(r.body(), ShapeContext.response(key, false, null, r.status(), settings));
        if (!r.ok()) {
            throw new ChannelException("model list answered " + r.status());
        }
        return channel.parseModelList(body);
    }

    /** The {@code provider_models} item for a new row (enabled). */
    public static ConfigItem toConfigItem(ProviderModel m) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("id", m.id()).put("provider_id", m.providerId()).put("model_id", m.modelId());
        if (m.displayName() != null) {
            doc.put("display_name", m.displayName());
        }
        doc.put("enabled", true);
        return new ConfigItem(EntityType.PROVIDER_MODEL, Long.toString(m.id()), doc);
    }
}
