# SPDX-License-Identifier: GPL-2.0
#
# Debian packages (debian/, Documentation/packaging.rst).
#
#   make deb         dpkg-buildpackage -us -uc -b on a copy of the tree:
#                    $(O)/deb/*.deb (vmdev-dkms, libvmdev0, libvmdev-dev,
#                    vmdev-tools)
#   make check-deb   make deb, then lintian (no error allowed) and the
#                    packages' contents (packaging/check-deb.sh); results
#                    in $(O)/results/deb.res
#
# The build runs in a copy (the files git knows, committed or not; out of
# git, the tree but $(O)), so
# that dpkg-buildpackage's ../*.deb land in $(O)/deb and its debian/
# scratch space stays out of the tree.

DEB_DIR		:= $(O)/deb
DEB_TREE	:= $(DEB_DIR)/vmdev-$(VMDEV_VERSION)

.PHONY: deb check-deb
deb:
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_TREE)
	if git -C $(TOP) rev-parse --git-dir >/dev/null 2>&1; then \
		git -C $(TOP) ls-files -z --cached --others --exclude-standard | \
		(cd $(TOP) && xargs -0 tar -cf - --no-recursion); \
	else tar -C $(TOP) -cf - --exclude=./$(notdir $(O)) .; fi | tar -C $(DEB_TREE) -xf -
	cd $(DEB_TREE) && dpkg-buildpackage -us -uc -b > $(DEB_DIR)/build.log 2>&1 || \
		{ tail -n 40 $(DEB_DIR)/build.log; exit 1; }
	@ls $(DEB_DIR)/*.deb

check-deb:
	@mkdir -p $(O)/results; \
	if $(MAKE) --no-print-directory deb; then \
		$(MAKE) --no-print-directory -s dkms-src DKMS_SRC=$(DEB_DIR)/dkms-src; \
		DKMS_SRC=$(DEB_DIR)/dkms-src $(TOP)/packaging/check-deb.sh $(DEB_DIR) $(VMDEV_VERSION) \
			$(O)/results/deb.res; \
	else echo "fail deb/build (make deb: see above)" > $(O)/results/deb.res; \
		cat $(O)/results/deb.res; exit 1; fi
