package io.fedlink.autoconfigure;

import io.fedlink.coordinator.TrainingRun;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;

/**
 * {@code fedlink.server.training.auto-start}: starts the {@link TrainingRun} once the application has started (the
 * gRPC server listens), and with {@code exit-when-done} exits the JVM when it ends: status 0 if every round
 * completed, 1 otherwise. A run stopped because the application is shutting down exits with the shutdown.
 */
class TrainingAutoStart implements ApplicationRunner, ApplicationListener<ContextClosedEvent>, Ordered {

    private final TrainingRun run;
    private final boolean exitWhenDone;
    private final ConfigurableApplicationContext context;
    private final AtomicBoolean closing = new AtomicBoolean();

    TrainingAutoStart(TrainingRun run, boolean exitWhenDone, ConfigurableApplicationContext context) {
        this.run = run;
        this.exitWhenDone = exitWhenDone;
        this.context = context;
    }

    @Override
    public void run(ApplicationArguments args) {
        run.start();
        if (exitWhenDone) {
            run.result().whenComplete((result, failure) -> {
                if (!closing.get()) {
                    int code = run.exitCode();
                    Thread exit = new Thread(() -> System.exit(SpringApplication.exit(context, () -> code)), "fedlink-exit");
                    exit.start();
                }
            });
        }
    }

    /** Hears the shutdown before the listener that stops the training, so the stopped run does not exit again. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        if (event.getApplicationContext() == context) {
            closing.set(true);
        }
    }
}
