package io.fedlink;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.lang.conditions.ArchConditions.be;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import io.fedlink.client.FederatedClient;
import io.fedlink.server.ClientManager;
import io.fedlink.server.ClientProxy;
import io.fedlink.strategy.Strategy;
import io.grpc.BindableService;
import io.grpc.ClientInterceptor;
import io.grpc.ServerInterceptor;
import io.grpc.stub.StreamObserver;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.Configuration;

/**
 * The module rules of DESIGN.md, held against fedlink's main classes (fedlink-core, fedlink-proto and the
 * auto-configuration module; tests and test jars left out). Each rule is named for the reason it exists.
 */
@AnalyzeClasses(packages = "io.fedlink", importOptions = ArchitectureTests.MainClassesOnly.class)
class ArchitectureTests {

    /** The packages of fedlink-spring-boot-autoconfigure: Spring wiring around the runtime. */
    private static final String[] WIRING = {
            "io.fedlink.autoconfigure..", "io.fedlink.actuate..", "io.fedlink.metrics..", "io.fedlink.event.."};

    @ArchTest
    static final ArchRule theRuntimeRunsWithoutSpring = noClasses()
            .that().resideOutsideOfPackages(WIRING)
            .should().dependOnClassesThat().resideInAPackage("org.springframework..")
            .because("fedlink-core is the runtime for plain Java programs too; Spring belongs to the wiring module");

    @ArchTest
    static final ArchRule aClientNeedsNoCoordinatorCode = noClasses()
            .that().resideInAPackage("io.fedlink.client..")
            .should().dependOnClassesThat().resideInAPackage("io.fedlink.server..")
            .because("a client joins any Flower server; what both sides share lives in io.fedlink.wire");

    @ArchTest
    static final ArchRule theCoordinatorNeedsNoClientCode = noClasses()
            .that().resideInAPackage("io.fedlink.server..")
            .should().dependOnClassesThat().resideInAPackage("io.fedlink.client..")
            .because("the coordinator serves any Flower client; what both sides share lives in io.fedlink.wire");

    @ArchTest
    static final ArchRule theTensorCodecKnowsNoTransport = noClasses()
            .that().resideInAPackage("io.fedlink.tensor..")
            .should().dependOnClassesThat().resideInAnyPackage("io.fedlink.server..", "io.fedlink.client..",
                    "io.fedlink.coordinator..", "io.fedlink.strategy..", "io.grpc..")
            .because("NumPy .npy tensors are a data format that strategies, tools and tests use without a connection");

    @ArchTest
    static final ArchRule autoConfigurationsOnlyDeclareBeans = methods()
            .that().areDeclaredInClassesThat().resideInAPackage("io.fedlink.autoconfigure..")
            .and().areDeclaredInClassesThat().areMetaAnnotatedWith(Configuration.class)
            .and().doNotHaveModifier(JavaModifier.PRIVATE)
            .and().doNotHaveModifier(JavaModifier.SYNTHETIC)
            .should().beAnnotatedWith(Bean.class)
            .because("an auto-configuration builds runtime objects from properties; logic it needs belongs in the runtime");

    @ArchTest
    static final ArchRule theAutoconfigurePackageHoldsOnlyWiring = classes()
            .that().resideInAPackage("io.fedlink.autoconfigure..").and().areTopLevelClasses()
            .and().doNotHaveSimpleName("package-info")
            .should(haveAWiringRole())
            .because("auto-configuration only wires: configurations, properties, conditions, failure analyzers, "
                    + "the exceptions they report, lifecycle adapters, configurers and their static helpers");

    @ArchTest
    static final ArchRule theWiringImplementsNoRuntimeRole = noClasses()
            .that().resideInAnyPackage(WIRING)
            .should().beAssignableTo(assignableTo(BindableService.class).or(assignableTo(StreamObserver.class))
                    .or(assignableTo(ServerInterceptor.class)).or(assignableTo(ClientInterceptor.class))
                    .or(assignableTo(ClientManager.class)).or(assignableTo(ClientProxy.class))
                    .or(assignableTo(FederatedClient.class)).or(assignableTo(Strategy.class)))
            .orShould().callConstructor(Thread.class, Runnable.class)
            .orShould().callConstructor(Thread.class, Runnable.class, String.class)
            .because("services, streams, registries, clients and strategies are the runtime's, so that they work the "
                    + "same without Spring");

    private static ArchCondition<JavaClass> haveAWiringRole() {
        return be(describe("a wiring role", type ->
                type.isMetaAnnotatedWith(Configuration.class)
                        || type.isAnnotatedWith(ConfigurationProperties.class)
                        || type.isAssignableTo(Condition.class)
                        || type.isAssignableTo(FailureAnalyzer.class)
                        || type.isAssignableTo(EnvironmentPostProcessor.class)
                        || type.isAssignableTo(SmartLifecycle.class)
                        || type.isAssignableTo(Throwable.class)
                        || type.getSimpleName().endsWith("Configurer")
                        || isStaticHelper(type)));
    }

    /** A class nobody instantiates, with static methods only (shared checks of properties and conditions). */
    private static boolean isStaticHelper(JavaClass type) {
        return type.getConstructors().stream().allMatch(c -> c.getModifiers().contains(JavaModifier.PRIVATE))
                && type.getMethods().stream().allMatch(m -> m.getModifiers().contains(JavaModifier.STATIC));
    }

    /** Main classes only: no test classes, no test jars (fedlink-core's test fixtures are on this class path). */
    static final class MainClassesOnly implements ImportOption {

        private static final Pattern TEST_JAR = Pattern.compile(".*-tests\\.jar.*");

        @Override
        public boolean includes(Location location) {
            return new DoNotIncludeTests().includes(location) && !location.matches(TEST_JAR);
        }
    }
}
