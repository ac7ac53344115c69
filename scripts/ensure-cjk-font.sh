#!/bin/sh
# Make sure a CJK font (for Chinese reports) and HarfBuzz subsetting (fast PDF
# font embedding) are present. Installs Debian's fonts-noto-cjk and
# libharfbuzz-subset0 when missing and this user can; otherwise says how.
set -u
need=""
if ! fc-list :lang=zh family 2>/dev/null | grep -qi .; then
    need="fonts-noto-cjk"
fi
if ! ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset; then
    need="$need libharfbuzz-subset0"
fi
[ -z "$need" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing $need (Chinese reports need a CJK font) ..." >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y --no-install-recommends $need >/dev/null 2>&1; then
        apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends $need >/dev/null 2>&1 \
            || { echo "warning: could not install $need; Chinese reports will lack glyphs" >&2; exit 0; }
    fi
    fc-cache -f >/dev/null 2>&1 || true
else
    echo "warning: missing $need. Install it for Chinese reports, e.g.:" >&2
    echo "    sudo apt-get install fonts-noto-cjk libharfbuzz-subset0" >&2
    echo "  (or any font with Simplified Chinese glyphs, such as Noto Sans CJK SC)" >&2
fi
exit 0
