"""Links that open a place in the map apps people in China use."""

from urllib.parse import quote

from django.utils.translation import gettext_lazy as _


def map_links(where: str, *, district: str = "") -> list[dict]:
    """Search links on Amap (高德) and Baidu Maps: they open the app on a phone if installed."""
    keyword = f"{district} {where}".strip() if district and district not in where else where
    return [
        {
            "name": _("高德地图"),
            "url": f"https://uri.amap.com/search?keyword={quote(keyword)}&src=shuangchuang",
        },
        {
            "name": _("百度地图"),
            "url": f"https://map.baidu.com/search/{quote(keyword)}?querytype=s&wd={quote(keyword)}",
        },
    ]
