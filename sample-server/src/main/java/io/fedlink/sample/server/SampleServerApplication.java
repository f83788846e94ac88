package io.fedlink.sample.server;

import io.fedlink.strategy.FitConfigFunction;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * A generic fedlink coordinator with a dashboard: it has no model of its own and trains whatever model its clients
 * bring (one client's get_parameters gives the first one, as Flower does), with the strategy its application.yml
 * names, as soon as it starts ({@code fedlink.server.training.auto-start}). The only Java here is the dashboard and the
 * fit config the sample clients read.
 */
@SpringBootApplication
@EnableConfigurationProperties(SampleProperties.class)
public class SampleServerApplication {

    /** Each round's fit config: the learning rate, the local epochs and the round number. */
    @Bean
    FitConfigFunction fitConfig(SampleProperties properties) {
        return round -> Map.of("learning_rate", properties.getLearningRate(), "local_epochs", properties.getLocalEpochs(),
                "round", round);
    }

    public static void main(String[] args) {
        SpringApplication.run(SampleServerApplication.class, args);
    }
}
