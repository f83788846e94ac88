// fedlink-core is the runtime without Spring: nothing from org.springframework may reach a plain Java project.
def tree = new File(basedir, 'dependency-tree.txt').text
assert tree.contains('io.fedlink:fedlink-core:') : 'fedlink-core missing from the tree:\n' + tree
def spring = tree.readLines().findAll { it.contains('org.springframework') }
assert spring.isEmpty() : 'Spring reached a plain Java project through fedlink-core:\n' + spring.join('\n')
true
