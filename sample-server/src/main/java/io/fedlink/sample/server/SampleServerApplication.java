package io.fedlink.sample.server;

import io.fedlink.strategy.FitConfigFunction;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** A fedlink coordinator that trains a logistic-regression model with FedAvg and shows it on a dashboard. */
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
