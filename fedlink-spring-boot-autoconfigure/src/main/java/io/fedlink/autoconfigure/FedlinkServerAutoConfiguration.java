package io.fedlink.autoconfigure;

import io.fedlink.coordinator.RunningTrainings;
import io.fedlink.coordinator.TrainingProgress;
import io.fedlink.event.ClientEventPublisher;
import io.fedlink.event.RoundEventPublisher;
import io.fedlink.proto.FlowerServiceGrpc;
import io.fedlink.security.ClientAuthenticator;
import io.fedlink.security.TokenAuthenticator;
import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientManagerListener;
import io.fedlink.server.ClientManagerServicer;
import io.fedlink.server.ClientProxyFactory;
import io.fedlink.server.CoordinatorSettings;
import io.fedlink.server.DefaultClientManager;
import io.fedlink.server.DefaultClientProxy;
import io.fedlink.server.InstructionListener;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.Map;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;
import net.devh.boot.grpc.server.service.GrpcService;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.event.ContextClosedEvent;

/**
 * The coordinator: a {@link ClientManager}, a {@link ClientProxyFactory} and the {@code Join} service, from
 * {@code fedlink.server.*}. Every bean backs off to one the application declares.
 */
@AutoConfiguration
@ConditionalOnClass({GrpcService.class, FlowerServiceGrpc.class})
@Conditional(OnFedlinkServerCondition.class)
@EnableConfigurationProperties(FedlinkServerProperties.class)
public class FedlinkServerAutoConfiguration {

    /** How long shutdown waits for a running training to abandon its round before the streams are closed anyway. */
    static final java.time.Duration TRAINING_STOP_TIMEOUT = java.time.Duration.ofSeconds(30);

    @Bean
    @ConditionalOnMissingBean(ClientManager.class)
    public DefaultClientManager fedlinkClientManager(FedlinkServerProperties properties) {
        CoordinatorSettings settings = properties.coordinatorSettings();
        return new DefaultClientManager(settings.quorumTimeout(), settings.maxClients(), PropertyKeys.NAMES);
    }

    @Bean
    @ConditionalOnMissingBean(ClientProxyFactory.class)
    public ClientProxyFactory fedlinkClientProxyFactory() {
        return DefaultClientProxy::new;
    }

    @GrpcService
    @Bean
    @ConditionalOnMissingBean(ClientManagerServicer.class)
    public ClientManagerServicer clientManagerServicer(ClientManager clientManager, ClientProxyFactory proxyFactory,
                                                       FedlinkServerProperties properties,
                                                       ObjectProvider<ClientAuthenticator> authenticator) {
        ClientManagerServicer servicer = new ClientManagerServicer(clientManager, proxyFactory,
                properties.coordinatorSettings().streamSettings(PropertyKeys.NAMES));
        Map<String, String> tokens = properties.getAuth().getTokens();
        servicer.setAuthenticator(authenticator.getIfAvailable(
                () -> tokens.isEmpty() ? null : new TokenAuthenticator(tokens)));
        return servicer;
    }

    @Bean
    public ClientEventPublisher fedlinkClientEventPublisher(ApplicationEventPublisher publisher) {
        return new ClientEventPublisher(publisher);
    }

    @Bean
    public RoundEventPublisher fedlinkRoundEventPublisher(ApplicationEventPublisher publisher) {
        return new RoundEventPublisher(publisher);
    }

    @Bean
    @ConditionalOnMissingBean
    public TrainingProgress fedlinkTrainingProgress() {
        return new TrainingProgress();
    }

    /** Attaches every {@link ClientManagerListener} and {@link InstructionListener} bean, in order, once all exist. */
    @Bean
    public static SmartInitializingSingleton fedlinkListenerRegistrar(ObjectProvider<ClientManager> clientManager,
                                                                      ObjectProvider<ClientManagerServicer> servicer,
                                                                      ObjectProvider<ClientManagerListener> clientListeners,
                                                                      ObjectProvider<InstructionListener> instructionListeners) {
        return () -> {
            ClientManager manager = clientManager.getObject();
            clientListeners.orderedStream().forEach(manager::addListener);
            ClientManagerServicer service = servicer.getObject();
            instructionListeners.orderedStream().forEach(service::addInstructionListener);
        };
    }

    /**
     * Message size and keepalive, as {@link CoordinatorSettings#applyTo} sets them for a coordinator without Spring;
     * applied after the gRPC starter's own settings, so these win. The in-process transport has no keepalive.
     */
    @Bean
    public GrpcServerConfigurer fedlinkServerConfigurer(FedlinkServerProperties properties) {
        CoordinatorSettings settings = properties.coordinatorSettings();
        return builder -> (builder instanceof InProcessServerBuilder ? settings.withoutKeepalive() : settings)
                .applyTo(builder);
    }

    /**
     * On shutdown, stops the running trainings first (the round in progress is abandoned, not failed: it is played
     * again after a restart), then closes client streams before the gRPC server's shutdown, which would otherwise wait
     * out its grace period.
     */
    @Bean
    public ApplicationListener<ContextClosedEvent> fedlinkStreamCloser(ClientManagerServicer servicer,
                                                                       ObjectProvider<RunningTrainings> trainings) {
        return event -> {
            trainings.ifAvailable(running -> running.stopAll(TRAINING_STOP_TIMEOUT));
            servicer.closeAll("coordinator shutting down");
        };
    }
}
