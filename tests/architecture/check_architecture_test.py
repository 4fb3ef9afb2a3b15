#!/usr/bin/env python3
"""Tests scripts/check-architecture: the real tree passes, and a copy of it with one planted
violation of each rule fails, naming that rule, the file and the line.

  tests/architecture/check_architecture_test.py [ROOT]   (the ctest architecture_check_test)
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.realpath(sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
CHECKER = os.path.join(ROOT, "scripts", "check-architecture")
# What the checker reads; build output, node_modules and the like stay behind.
COPIED = ("CMakeLists.txt", "cmake", "src", "tests", "bench", "migrations")
IGNORED = shutil.ignore_patterns(".git", "build", "var", "node_modules", "__pycache__")


def check(root):
    run = subprocess.run([sys.executable, CHECKER, root], capture_output=True, text=True, timeout=120, check=False)
    return run.returncode, run.stdout + run.stderr


def link_or_copy(src, dst):
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


class PlantedTree:
    """A copy of the real tree in a temporary folder, to plant one violation in.

    Files are hard links where the file system allows (the copy is made 22 times): every change
    goes through write, append or replace, which replace the link with a file of their own, so the
    real tree is never written."""

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="ecom-arch-test-")
        for name in COPIED:
            src = os.path.join(ROOT, name)
            dst = os.path.join(self.dir, name)
            if os.path.isdir(src):
                shutil.copytree(src, dst, ignore=IGNORED, copy_function=link_or_copy)
            elif os.path.isfile(src):
                link_or_copy(src, dst)
        return self

    def __exit__(self, *exc):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, rel):
        return os.path.join(self.dir, rel)

    def write(self, rel, text):
        """Writes a file of the copy's own (never through a link); returns it relative to the tree."""
        path = self.path(rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if os.path.lexists(path):
            os.unlink(path)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return rel

    def read(self, rel):
        with open(self.path(rel), encoding="utf-8") as f:
            return f.read()

    def append(self, rel, text):
        """Appends text to a file; returns the number of the first appended line."""
        existing = self.read(rel)
        if not existing.endswith("\n"):
            existing += "\n"
        self.write(rel, existing + text)
        return existing.count("\n") + 1

    def replace(self, rel, old, new):
        """Replaces the one occurrence of old; returns its line number."""
        text = self.read(rel)
        if text.count(old) != 1:
            raise AssertionError(f"{rel}: expected one {old!r} to plant on, found {text.count(old)}")
        line = text[: text.index(old)].count("\n") + 1
        self.write(rel, text.replace(old, new))
        return line


class CheckArchitectureTest(unittest.TestCase):
    def assert_finds(self, tree, rule, rel, line, text=None):
        code, out = check(tree.dir)
        self.assertEqual(code, 1, f"expected a finding, exit {code}:\n{out}")
        self.assertIn(f"{rel}:{line}: [{rule}]", out)
        if text is not None:
            self.assertIn(text, out)

    def assert_planted_file_finds(self, rel, text, rule, line, message):
        """A copy of the tree with one new file rel holding text: rule is reported at rel:line."""
        with PlantedTree() as tree:
            tree.write(rel, text)
            self.assert_finds(tree, rule, rel, line, message)

    def test_real_tree_passes(self):
        code, out = check(ROOT)
        self.assertEqual(code, 0, out)
        self.assertIn("no finding", out)

    def test_unchanged_copy_passes(self):
        with PlantedTree() as tree:
            code, out = check(tree.dir)
            self.assertEqual(code, 0, out)

    def test_include_of_another_modules_private_header(self):
        self.assert_planted_file_finds("src/core/cache/src/planted.cpp", '#include "cache.hpp"\n\n#include "pool.hpp"\n',
            "private-include", 3, "db's private header src/core/db/src/pool.hpp")

    def test_relative_include_into_another_modules_src(self):
        self.assert_planted_file_finds("src/core/catalog/src/planted.cpp", '// x\n#include "../../db/src/connection.hpp"\n',
            "private-include", 2, "src/core/db/src/connection.hpp")

    def test_front_end_includes_a_private_header(self):
        self.assert_planted_file_finds("src/storefront/planted.cpp", '#include "rows.hpp"\n',
            "private-include", 1, "messaging's private header")

    def test_cmake_puts_another_modules_src_on_the_include_path(self):
        with PlantedTree() as tree:
            rel = "src/core/cache/CMakeLists.txt"
            line = tree.append(rel, "target_include_directories(ecom_cache PRIVATE\n"
                                    "  ${PROJECT_SOURCE_DIR}/src/core/db/src)\n")
            self.assert_finds(tree, "private-include-dir", rel, line + 1, "db's private src/core/db/src")

    def test_cmake_publishes_a_modules_own_src(self):
        with PlantedTree() as tree:
            rel = "src/core/storage/CMakeLists.txt"
            line = tree.append(rel, "target_include_directories(ecom_storage PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/src)\n")
            self.assert_finds(tree, "private-include-dir", rel, line, "(PUBLIC)")

    def test_front_end_includes_soci(self):
        self.assert_planted_file_finds("src/admin/planted.cpp", "#include <string>\n#include <soci/soci.h>\n",
            "frontend-db", 2, "<soci/soci.h>")

    def test_front_end_names_soci(self):
        self.assert_planted_file_finds("src/workers/planted.cpp", "namespace x {\nvoid f(soci::session& s);\n}\n",
            "frontend-db", 2, "soci::")

    def test_front_end_includes_a_db_header_beyond_the_wiring_ones(self):
        self.assert_planted_file_finds("src/workers/planted.cpp", "#include <ecom/db/pool.hpp>\n",
            "frontend-db", 1, "<ecom/db/pool.hpp>")

    def test_front_end_runs_sql(self):
        self.assert_planted_file_finds("src/storefront/planted.cpp",
            'namespace {\nconstexpr const char* kSql =\n    "SELECT id "\n    "FROM products";\n}\n',
            "frontend-sql", 3, "SELECT id FROM products")

    def test_ctl_runs_sql(self):
        self.assert_planted_file_finds("src/ctl/planted.cpp", 'const char* k = R"(DELETE FROM outbox)";\n',
            "frontend-sql", 1, "DELETE FROM outbox")

    def test_module_writes_another_modules_table(self):
        # What the inventory module must never do: write the catalog's listing column.
        self.assert_planted_file_finds("src/core/messaging/src/planted.cpp",
            '// stock\nconstexpr const char* k = "UPDATE products SET in_stock = 1 WHERE id = :id";\n',
            "table-owner", 2, "messaging names table products, which belongs to catalog")

    def test_module_test_reads_another_modules_table(self):
        self.assert_planted_file_finds("src/core/cache/tests/planted_test.cpp",
            'auto q = "SELECT COUNT(*) FROM outbox";\n',
            "table-owner", 1, "cache names table outbox, which belongs to messaging")

    def test_migration_alters_another_modules_table(self):
        self.assert_planted_file_finds("migrations/postgresql/0099_cache_stock.sql",
            "-- planted\nALTER TABLE variants ADD COLUMN reserved INTEGER;\n",
            "table-owner", 2, "cache names table variants")

    def test_migration_without_an_owner(self):
        self.assert_planted_file_finds("migrations/sqlite/0099_misc.sql", "CREATE TABLE misc (id INTEGER);\n",
            "migration-owner", 1, "NNNN_<module>_<what>.sql")

    def test_table_created_by_two_modules(self):
        self.assert_planted_file_finds("migrations/sqlite/0099_cache_outbox.sql", "\nCREATE TABLE outbox (id INTEGER);\n",
            "migration-owner", 2, "table outbox is created by cache here and by messaging")

    def test_module_missing_from_the_layer_table(self):
        with PlantedTree() as tree:
            tree.write("src/core/widgets/CMakeLists.txt", "# planted\n")
            self.assert_finds(tree, "module-unknown", "src/core/widgets", 0, "module widgets is not in the layer table")

    def test_dependency_upward_in_cmake(self):
        with PlantedTree() as tree:
            rel = "src/core/db/CMakeLists.txt"
            line = tree.replace(rel, "DEPENDS ecom::platform SOCI::core", "DEPENDS ecom::platform ecom::runtime SOCI::core")
            self.assert_finds(tree, "module-layer", rel, line, "db (layer 1, infrastructure) depends on runtime (layer 2")

    def test_dependency_upward_by_include(self):
        self.assert_planted_file_finds("src/core/platform/src/planted.cpp", "\n#include <ecom/catalog/catalog.hpp>\n",
            "module-layer", 2, "platform (layer 0, platform) depends on catalog")

    def test_module_includes_a_front_end(self):
        self.assert_planted_file_finds("src/core/catalog/src/planted.cpp", '#include "../../../storefront/app.hpp"\n',
            "module-layer", 1, "modules never depend on front ends")

    def test_dependency_cycle(self):
        # cache depends on db (its CMakeLists.txt); db including cache closes a cycle in one layer.
        # Which edge the finding is filed under depends on where the walk of the graph starts, so
        # the test asks for the finding and both of its edges, not for one place.
        with PlantedTree() as tree:
            tree.write("src/core/db/src/planted.cpp", "// x\n// y\n#include <ecom/cache/cache.hpp>\n")
            code, out = check(tree.dir)
            self.assertEqual(code, 1, out)
            self.assertIn("[module-cycle]", out)
            self.assertIn("db -> cache (src/core/db/src/planted.cpp:3)", out)
            self.assertIn("cache -> db (src/core/cache/CMakeLists.txt", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
