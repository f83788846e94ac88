// The starter alone must give one consistent gRPC: every io.grpc artifact at the version fedlink is tested with
// (grpcVersion, protobufVersion: from fedlink-bom, passed by consumer-tests/pom.xml).
def lines = new File(basedir, 'dependencies.txt').readLines()
def grpc = lines.findAll { it.contains('io.grpc:') }
assert !grpc.isEmpty() : 'no io.grpc artifact resolved:\n' + lines.join('\n')
def stray = grpc.findAll { !it.contains(":${grpcVersion}:") }
assert stray.isEmpty() : "io.grpc artifacts not at ${grpcVersion}:\n" + stray.join('\n')
def protobuf = lines.findAll { it.contains('com.google.protobuf:protobuf-java:') }
assert protobuf.size() == 1 && protobuf[0].contains(":${protobufVersion}:") : "protobuf-java not at ${protobufVersion}:\n" + protobuf.join('\n')
true
