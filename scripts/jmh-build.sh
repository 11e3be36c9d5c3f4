# Sourced by the bench scripts: builds jmh/target/benchmarks.jar when a source or pom is newer than it (the root
# install shades and takes a while, so an up-to-date jar is reused). MVN_FLAGS=-o builds offline.
# Sets: jar (the benchmark jar), java (the JVM to run it with).
jar=jmh/target/benchmarks.jar
java="${JAVA:-java}"
if [[ ! -f "$jar" ]] || [[ -n "$(find pom.xml src jmh/pom.xml jmh/src kernels -newer "$jar" -print -quit)" ]]; then
    echo ">> building: root install (tests skipped), then $jar" >&2
    mvn ${MVN_FLAGS:-} -q -B -DskipTests install
    mvn ${MVN_FLAGS:-} -q -B -f jmh/pom.xml package
fi
