"""The shared SVG bar chart geometry (ipcoop.lib.charts): words in place of a number."""

from ipcoop.lib.charts import Bar, bar_chart


def test_a_bar_can_say_words_instead_of_its_number():
    chart = bar_chart(
        chart_id="c",
        title="t",
        description="d",
        bars=[Bar("Children", 87, "87 %"), Bar("Adults", 0, "fewer than 5"), Bar("Other", 1200)],
    )

    assert [b.value_text for b in chart.bars] == ["87 %", "fewer than 5", "1,200"]
    assert [b.width for b in chart.bars][1] == "0"  # nothing drawn for a hidden figure
    assert chart.bars[0].width != "0"
