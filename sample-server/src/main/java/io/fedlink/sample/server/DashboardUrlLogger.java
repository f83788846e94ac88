package io.fedlink.sample.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Logs where the dashboard is ({@code Dashboard: http://127.0.0.1:8080/}) once the web server listens. */
@Component
class DashboardUrlLogger {

    private static final Logger log = LoggerFactory.getLogger(DashboardUrlLogger.class);

    @EventListener
    void onWebServerStarted(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() != null) {
            return; // a separate management server, not the dashboard's
        }
        String address = event.getApplicationContext().getEnvironment().getProperty("server.address", "");
        String host = switch (address) {
            case "", "0.0.0.0", "::", "0:0:0:0:0:0:0:0" -> "localhost";
            default -> address.contains(":") ? "[" + address + "]" : address;
        };
        log.info("Dashboard: http://{}:{}/", host, event.getWebServer().getPort());
    }
}
