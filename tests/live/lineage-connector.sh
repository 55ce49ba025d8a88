#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The recorder's lineage with the connector backend.
BACKEND=connector
. "${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/live/lineage.sh"
