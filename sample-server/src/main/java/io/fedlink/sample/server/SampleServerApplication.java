package io.fedlink.sample.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** A fedlink coordinator that trains a logistic-regression model with FedAvg and shows it on a dashboard. */
@SpringBootApplication
@EnableConfigurationProperties(SampleProperties.class)
public class SampleServerApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleServerApplication.class, args);
    }
}
