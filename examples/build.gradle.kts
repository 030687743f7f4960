// UNTESTED: no Gradle distribution could be installed where this was written (Debian's gradle is
// 4.4, too old for Java 17; Gradle itself is not on Maven Central). Maven (pom.xml) is the tested
// build of these examples; this file shows the same dependencies for a Gradle user.
//
//   cd .. && mvn -B -DskipTests install      # puts org.kerasbridge:kerasbridge in ~/.m2
//   gradle run -PmainClass=org.kerasbridge.examples.PredictFromFile \
//       --args="../models/mnist_cnn/model.keras ../models/mnist_cnn/input_0.npy"
plugins {
    application
}

repositories {
    mavenLocal()      // the KerasBridge artifact from `mvn install`
    mavenCentral()    // TensorFlow Java, jHDF, Jackson, XChart, SLF4J
}

java {
    toolchain {
        languageVersion.set(JavaLanguageVersion.of(17))
    }
}

dependencies {
    // Brings TensorFlow Java 1.1.0 with its CPU natives (classifier linux-x86_64).
    implementation("org.kerasbridge:kerasbridge:0.1.0-SNAPSHOT")
    // For CUDA instead:
    // implementation("org.kerasbridge:kerasbridge:0.1.0-SNAPSHOT") {
    //     exclude(group = "org.tensorflow", module = "tensorflow-core-native")
    // }
    // implementation("org.tensorflow:tensorflow-core-native:1.1.0")
    // implementation("org.tensorflow:tensorflow-core-native:1.1.0:linux-x86_64-gpu")
    runtimeOnly("org.slf4j:slf4j-simple:2.0.17")   // any SLF4J 2 backend
}

application {
    mainClass.set(providers.gradleProperty("mainClass")
        .orElse("org.kerasbridge.examples.PredictFromFile"))
}
