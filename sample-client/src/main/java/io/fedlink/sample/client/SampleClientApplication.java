package io.fedlink.sample.client;

import io.fedlink.autoconfigure.FederatedClientLifecycle;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A fedlink client that trains logistic regression on its own partition of a synthetic data set, written as a
 * {@link io.fedlink.client.NumPyClient}: it joins a fedlink coordinator or a stock Flower server alike. It exits when
 * the server ends training ({@code reconnect_ins{seconds: 0}}), or with status 1 when it gives up reconnecting.
 */
@SpringBootApplication
@EnableConfigurationProperties(PartitionProperties.class)
public class SampleClientApplication {

    public static void main(String[] args) {
        ConfigurableApplicationContext context = SpringApplication.run(SampleClientApplication.class, args);
        int code = context.getBean(FederatedClientLifecycle.class).termination()
                .handle((ok, failure) -> failure == null ? 0 : 1).join();
        System.exit(SpringApplication.exit(context, () -> code));
    }
}
