package io.gproxy.admin;

import io.gproxy.http.HttpResponse;
import io.gproxy.pipeline.GatewayError;

/** One method on one path of the admin surface. */
@FunctionalInterface
interface Endpoint {
    HttpResponse handle(AdminCall call) throws GatewayError;
}
