# A small, non-root image whose root filesystem can be read-only: the JVM writes only to /tmp (an emptyDir in the
# Deployment). Build the jar first: mvn -B package -DskipTests
FROM gcr.io/distroless/java17-debian12:nonroot
COPY target/immutability-operator.jar /app/immutability-operator.jar
USER 65532:65532
EXPOSE 8080 9443
# The JIT thresholds as the chart sets them (see its Deployment).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:-UsePerfData -Djava.io.tmpdir=/tmp \
    -XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000 -XX:Tier4CompileThreshold=150000 -XX:Tier4BackEdgeThreshold=400000"
ENTRYPOINT ["java", "-jar", "/app/immutability-operator.jar"]
