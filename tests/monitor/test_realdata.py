# ruff: noqa: E501  (the table of values read off the raw files: one posting a line)
"""Every API response of the shared real recordings parses, with the values read off the raw files.

/work/shared/realdata holds real responses recorded by other projects (not ours; only the
expected values below, read by hand from the raw files, are in the project). A file INDEX.md
calls re-shaped, edited or a format hint (``*RESHAPED*``, ``*_EDITED*``, ``hn_firebase/``,
``hn_algolia/ikevinxie_*``) is left out, and so is ``rallit/`` (no parser). Files are parsed
as ``jobtrend sources parse --kind KIND FILE --url URL`` does, with the page URL
``https://realdata.invalid/<file>`` and the default zone (Asia/Seoul).

For the Korean boards each posting of a file is pinned: (id, title, company, location,
country, deadline in UTC, level, years_min, years_max). Elsewhere every file must parse to
postings with an id, a title and aware times.
"""

from __future__ import annotations

import dataclasses
import fnmatch
from pathlib import Path
from typing import Any

import pytest

from monitor.cli.sources import _kind_options
from monitor.errors import SourceError
from monitor.normalise import Posting, normalise

REALDATA = Path(__file__).resolve().parents[2].parent / "shared" / "realdata"
URL_BASE = "https://realdata.invalid/"
KIND_OF_FOLDER = {"hn_algolia": "hn", "weworkremotely": "rss"}
LEFT_OUT = (
    "*RESHAPED*",
    "*_EDITED*",
    "hn_firebase/*",
    "hn_algolia/ikevinxie_*",
    "rallit/*",
    "*/PROVENANCE.txt",
    "*_headers.txt",
)
# Answers that are errors or empty, not listings: (file, what they must give).
NOT_LISTINGS = {
    "work24/empty.xml": "empty",
    "work24/detail.xml": "error",
    "work24/detail_error.xml": "error",
    "work24/service_error.xml": "error",
    "work24/UNIDENTIFIED_invalid_authkey_002.xml": "error",
}
# A detail applied to its position, as the kind's fetch does: detail -> (listing, id).
DETAILS = {
    "jumpit/mandu5_position_detail_54917021.json": (
        "jumpit/mandu5_positions_newcomer_p1.json",
        "54917021",
    )
}
L = URL_BASE + "jsonld/"
# file -> the postings: (external_id, title, company, location, country, deadline, level,
# years_min, years_max); only the first postings of a long page are pinned, the count always.
KOREAN: dict[str, tuple[int, list[tuple[Any, ...]]]] = {
    "wanted/mandu5_chaos_navigation_p1.json": (20, [
        ("384594", "Vision AI 엔지니어 (ML 파이프라인, 전문연구요원 가능)", "뉴로클", "서울 강동구", "KR", None, "entry", 0, 3),
        ("384775", "Big Data 데이터 엔지니어(Python)", "데이터다이나믹스", "경기 용인시", "KR", None, "experienced", 1, 10),
        ("376185", "FDE (고객사 서비스 구축 · 제품 개발)", "조코딩에이엑스파트너스", "서울 서초구", "KR", None, "entry", 0, 4),
        ("384772", "XR/VR 콘텐츠 개발자", "렛유인에듀", "서울 강남구", "KR", None, "entry", 0, 10),
        ("384753", "IT Manager (계약직)", "어피닛(트루밸런스)", "서울 강남구", "KR", None, "entry", 0, 1),
        ("383601", "[미리캔버스] Applied Algorithm Engineer [산업기능요원/전문연구요원]", "미리디", "서울 구로구", "KR", None, "entry", 0, None),
    ]),
    "wanted/bokang03_chaos_navigation_trimmed3.json": (3, [
        ("219032", "[테크] 보안 운영 담당자", "하이퍼리즘", "서울 관악구", "KR", None, "experienced", 5, 15),
        ("380332", "CTO — AI 영상 생성 & 권리 인프라 (경력 5년 이상)", "블루필드", "서울 강남구", "KR", None, "experienced", 5, 12),
        ("380933", "[인턴] [NetsPresso] AI Software Engineer (Software Engineering팀)", "노타(Nota)", "서울 강남구", "KR", None, "entry", 0, 1),
    ]),
    "wanted/kang-gyeongmin_v4_jobs_query.json": (5, [
        ("363969", "데이터 엔지니어(파이썬 개발자)", "래브라도랩스", "서울 서초구", "KR", "2026-07-31T14:59:59+00:00", "entry", 0, 5),
        ("326795", None, "페이타랩(패스오더)", "서울 강남구", "KR", None, "entry", 0, 10),
    ]),
    "jumpit/kang-gyeongmin_positions_keyword_p1.json": (16, [
        ("54508661", "NVR Web viewer개발(13↑)", "트루엔", "서울 구로구", "KR", "2026-08-18T14:59:59+00:00", "experienced", 13, 16),
    ]),
    "jumpit/kang-gyeongmin_positions_jobcategory_p1.json": (16, [
        ("54361338", "[로봇/AI] 3D vision Engineer (경력)", "세코어로보틱스", "서울 구로구", "KR", "2026-08-01T14:59:59+00:00", "experienced", 3, 12),
        ("54365943", "AI Full Stack Developer 모집", "지에스아이티엠", "서울 종로구", "KR", "2026-08-01T14:59:59+00:00", "experienced", 3, 5),
        ("54361472", "[로봇/AI] SLAM Engineer", "세코어로보틱스", "서울 구로구", "KR", "2026-08-01T14:59:59+00:00", "experienced", 3, 12),
        ("54326541", "프론트엔드 개발자(2~4년)", "블루개러지", "서울 강동구", "KR", "2026-07-29T14:59:59+00:00", "experienced", 2, 4),
        ("54278215", "서버, 스토리지 시스템 엔지니어 모집 (신입)", "주본", "서울 송파구", "KR", "2026-07-24T14:59:59+00:00", "entry", 0, 0),
    ]),
    "jumpit/bokang03_positions_trimmed3.json": (3, [
        ("54616481", "Vision Field Application Engineer", "씨메스", "서울 강남구", "KR", "2026-08-31T14:59:59+00:00", "experienced", 1, 7),
        ("54484174", "Infra/System Engineer", "콜로세움코퍼레이션", "서울 강남구", "KR", "2026-08-16T14:59:59+00:00", "experienced", 5, 12),
        ("54753694", "백엔드 개발자", "티엔에이치", "경기 성남시 분당구", "KR", "2026-09-12T14:59:59+00:00", "experienced", 3, 5),
    ]),
    "jumpit/mandu5_positions_newcomer_p1.json": (16, [
        ("54945694", "이미지 프로세싱 알고리즘 개발 신입", "포스로직", "경기 안양시 동안구", "KR", "2026-10-05T14:59:59+00:00", "entry", 0, 0),
        ("54945425", "반도체 IC FAE(신입) 채용", "에이디텍", "경기 화성시", "KR", "2026-10-05T14:59:59+00:00", "entry", 0, 0),
    ]),
    "jumpit/mandu5_position_detail_54917021.json": (1, [
        ("54917021", "IT/AI부문(전문연구요원 포함)신입", "연합인포맥스", "서울 종로구", "KR", "2026-10-01T14:59:59+00:00", "entry", 0, 0),
    ]),
    "jsonld/kang-gyeongmin_catch_detail_561488_HEAD_ONLY.html": (1, [
        (L + "kang-gyeongmin_catch_detail_561488_HEAD_ONLY.html#1", "[메디톡스] 공장 각 부문별 신입/경력사원 채용", "메디톡스", "충북 청주시 청원구", "KR", "2026-07-28T14:59:59+00:00", "entry", 0, None),
    ]),
    "jsonld/kang-gyeongmin_jobkorea_GI_Read_49819763_LDJSON_FRAGMENT.html": (1, [
        ("49819763", "[isee] 소프트웨어 개발자 모집 (앱·웹·ERP 개발) (신입)", "아이시", "경기 안산시 단원구", "KR", "2026-10-19T14:59:00+00:00", "entry", 0, 0),
    ]),
    "jsonld/mandu5_linkareer_activity_348333_LDJSON_FRAGMENT.html": (1, [
        # No experience field; the title says nothing either: unknown.
        (L + "mandu5_linkareer_activity_348333_LDJSON_FRAGMENT.html#1", "[NH농협은행] 2026년 [전문] 5급 신규직원 채용", "NH농협은행", "서울 중구", "KR", "2026-09-17T14:59:59.999000+00:00", None, None, None),
    ]),
    "jsonld/zbvs_coupang_careers_job_2021.html": (1, [
        ("2961774", "Senior, Back-end Engineer (Display Ads)", "Coupang Korea", "Seoul", "KR", None, "experienced", None, None),
    ]),
    "jsonld/zbvs_yanolja_successfactors_microdata_NO_LDJSON.html": (1, [
        (L + "zbvs_yanolja_successfactors_microdata_NO_LDJSON.html#1", "[야놀자클라우드] DHUB Product Owner", "yanolja", "서울", "KR", "2021-12-31T15:00:00+00:00", None, None, None),
    ]),
    "saramin/okkyclone_job-search_count110_2021-09-27.json": (110, [
        ("41232704", "(대기업 IT사) IT전략 / IT 인프라 팀장급 채용 (2명)", "(주)헬로서치", "서울 > 강남구", "KR", "2021-10-27T14:59:59+00:00", "experienced", 10, 17),
        ("41232703", None, "(주) 캐어유", "경기 > 안양시 동안구", "KR", "2021-10-27T14:59:59+00:00", "experienced", 3, 10),
        ("41232699", None, "과학기술연합대학원대학교", "대전 > 유성구", "KR", "2021-10-29T08:00:00+00:00", "entry", 0, None),
    ]),
    "work24/list.xml": (2, [
        ("K140022610010052", "[운영팀] 환경·안전 및 운영관리 담당자 채용", "워터매니지먼트주식회사", "대구 서구", "KR", "2026-11-30T14:59:59+00:00", "experienced", None, None),
        ("K140022609170041", "[기술팀] 수질관리 담당자", "워터매니지먼트주식회사", "대구 서구", "KR", "2026-10-31T14:59:59+00:00", "entry", 0, 0),
    ]),
}  # fmt: skip


def api_files() -> list[str]:
    if not REALDATA.is_dir():
        return []
    names = sorted(str(p.relative_to(REALDATA)) for p in REALDATA.glob("*/*") if p.is_file())
    return [n for n in names if not any(fnmatch.fnmatch(n, pattern) for pattern in LEFT_OUT)]


def parse(file: str) -> list[Posting]:
    listing, detail_of = DETAILS.get(file, (file, None))
    folder = listing.split("/", 1)[0]
    url = URL_BASE + listing
    cls, options = _kind_options(KIND_OF_FOLDER.get(folder, folder), (), url)
    source = cls("parse", options)
    raws, _ = source.parse((REALDATA / listing).read_bytes(), url)
    if detail_of is not None:
        raws = [dataclasses.replace(r) for r in raws if r.external_id == detail_of]
        for raw in raws:
            source.apply_detail(raw, (REALDATA / file).read_bytes(), URL_BASE + file)
    return [normalise(raw, company=None, fallback_company="") for raw in raws]


def require_realdata() -> None:
    if not REALDATA.is_dir():
        pytest.skip(f"the shared real recordings are not at {REALDATA}")


def test_the_pinned_files_are_all_there() -> None:
    require_realdata()
    assert set(KOREAN) <= set(api_files())


@pytest.mark.parametrize("file", api_files() or ["(none)"])
def test_every_api_response_parses(file: str) -> None:
    require_realdata()
    if file in NOT_LISTINGS:
        if NOT_LISTINGS[file] == "empty":
            assert parse(file) == []
        else:
            with pytest.raises(SourceError):
                parse(file)
        return
    postings = parse(file)
    assert postings, file
    assert len({p.external_id for p in postings}) == len(postings)
    for posting in postings:
        assert posting.external_id and posting.title and posting.url
        for instant in (posting.posted_at, posting.deadline_at):
            assert instant is None or instant.utcoffset() is not None
        assert posting.level in ("entry", "experienced", None)


@pytest.mark.parametrize("file", list(KOREAN))
def test_korean_values_read_off_the_raw_files(file: str) -> None:
    require_realdata()
    count, expected = KOREAN[file]
    postings = parse(file)
    assert len(postings) == count
    for posting, row in zip(postings, expected, strict=False):
        title = row[1]
        got = (
            posting.external_id,
            posting.title if title is not None else None,
            posting.company,
            posting.location,
            posting.country,
            posting.deadline_at.isoformat() if posting.deadline_at else None,
            posting.level,
            posting.years_min,
            posting.years_max,
        )
        assert got == row, file
