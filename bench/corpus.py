"""A deterministic synthetic corpus of job postings, English and Korean, about 1 KB each.

Postings are assembled from job-ad sentences (templates with slots) in sections, with topic
sentences at realistic rates: LLM ~10% (multimodal included), multimodal LLM ~3%, autonomous
driving ~4%, medical ~6%, plus the decoys the taxonomy guards against (benefit boilerplate
"medical, dental and vision", 의료비 지원, "LLM in taxation") and two ad-hoc terms that are no
tag's alias ("diffusion" ~2%, 로봇 ~3% of Korean ads). About 6% of postings are the same ad
on another board (same company, title, location and text).

One random stream (seeded) generates postings in order, so a corpus of n postings is the first
n of any larger one. Cached as JSON lines in ``bench/.data/corpus-<VERSION>-<n>.jsonl``.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import random
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.common import DATA, VERSION, log

SEED = 20260101
DUPLICATE_RATE = 0.06
KOREAN_RATE = 0.4
TOPIC_RATES = {  # per posting, drawn independently
    "multimodal": 0.03,
    "llm": 0.08,  # with multimodal (which implies llm) about 10-11%
    "autonomous": 0.04,
    "medical": 0.06,
}
DIFFUSION_RATE = 0.02
ROBOT_RATE = 0.03
SOURCES_EN = ("greenhouse-global", "lever-global", "ashby-global")
SOURCES_KO = ("wanted-kr", "jumpit-kr")
SOURCES = SOURCES_EN + SOURCES_KO


@dataclass(frozen=True, slots=True)
class CorpusPosting:
    index: int
    source: str
    lang: str  # "en" | "ko"
    external_id: str
    title: str
    company: str
    location: str
    description: str
    posted_days_ago: int
    duplicate_of: int | None  # the index of the posting this one repeats on another board

    def to_json(self) -> str:
        return json.dumps(
            [
                self.index,
                self.source,
                self.lang,
                self.external_id,
                self.title,
                self.company,
                self.location,
                self.description,
                self.posted_days_ago,
                self.duplicate_of,
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, line: str) -> CorpusPosting:
        return cls(*json.loads(line))

    @property
    def text(self) -> str:
        """Title and description as the store tags them (joined by a blank line)."""
        return f"{self.title}\n\n{self.description}"


# --- vocabulary ---------------------------------------------------------------------------

LANGS = ("Python", "Go", "Java", "Kotlin", "TypeScript", "Rust", "C++", "Scala", "Swift")
INFRA = ("Kubernetes", "Docker", "Terraform", "Kafka", "Spark", "Airflow", "gRPC", "Redis")
DBS = ("PostgreSQL", "MySQL", "MongoDB", "BigQuery", "Snowflake", "DynamoDB", "ClickHouse")
CLOUDS = ("AWS", "GCP", "Azure", "NCP")
ML = ("PyTorch", "TensorFlow", "JAX", "scikit-learn", "ONNX", "Triton", "CUDA", "MLflow")
FRAMEWORKS = ("Django", "FastAPI", "Spring Boot", "React", "Next.js", "Node.js", "Flask")
TEAMS = (
    "Platform",
    "Payments",
    "Search",
    "Growth",
    "Data",
    "Infrastructure",
    "Core",
    "ML",
    "Ads",
    "Identity",
    "Developer Tools",
    "Marketplace",
)
THINGS = ("services", "APIs", "data pipelines", "internal tools", "mobile apps", "dashboards")
TEAMS_KO = ("플랫폼", "결제", "검색", "그로스", "데이터", "인프라", "커머스", "광고", "추천", "AI")
THINGS_KO = ("결제 서비스", "검색 엔진", "커머스 플랫폼", "데이터 플랫폼", "모바일 앱")
DOMAINS = ("customer support", "finance", "e-commerce", "legal", "education", "logistics")
CITIES_EN = (
    "San Francisco, CA",
    "New York, NY",
    "Seattle, WA",
    "Austin, TX",
    "London, UK",
    "Berlin, Germany",
    "Paris, France",
    "Toronto, Canada",
    "Singapore",
    "Tokyo, Japan",
    "Seoul, South Korea",
    "Remote (United States)",
    "Remote - Europe",
    "Remote",
)
CITIES_KO = (
    "서울 강남구",
    "서울특별시 서초구",
    "서울 > 강남구",
    "서울 마포구",
    "경기 성남시 분당구",
    "판교",
    "대전 유성구",
    "부산 해운대구",
    "인천 연수구",
    "서울 (재택 가능)",
)
ROLES_EN = (
    "Software Engineer",
    "Backend Engineer",
    "Frontend Engineer",
    "Full Stack Engineer",
    "Machine Learning Engineer",
    "Data Scientist",
    "Data Engineer",
    "Product Manager",
    "Site Reliability Engineer",
    "Research Scientist",
    "Mobile Engineer (iOS)",
    "Android Engineer",
    "Security Engineer",
    "Product Designer",
    "Account Executive",
    "Technical Recruiter",
    "Solutions Architect",
    "QA Engineer",
)
LEVELS_EN = ("", "", "", "Senior ", "Senior ", "Staff ", "Junior ", "Lead ", "Principal ")
ROLES_KO = (
    "백엔드 개발자",
    "프론트엔드 개발자",
    "풀스택 개발자",
    "머신러닝 엔지니어",
    "데이터 사이언티스트",
    "데이터 엔지니어",
    "서비스 기획자",
    "DevOps 엔지니어",
    "AI 리서처",
    "iOS 개발자",
    "안드로이드 개발자",
    "보안 엔지니어",
    "QA 엔지니어",
    "프로덕트 디자이너",
    "B2B 영업 매니저",
    "인사 담당자",
)
LEVELS_KO = ("", "[경력] ", "[신입] ", "(신입/경력) ", "[경력 5년 이상] ", "시니어 ")
TOPIC_TITLES = {
    "llm": (
        ("LLM Engineer", "Applied Scientist, Large Language Models", "LLM Platform Engineer"),
        ("LLM 엔지니어", "AI 리서처 (LLM)", "대규모 언어 모델 연구원"),
    ),
    "multimodal": (
        ("Research Scientist, Multimodal LLM", "VLM Research Engineer"),
        ("멀티모달 LLM 연구원", "비전 언어 모델 엔지니어"),
    ),
    "autonomous": (
        ("Autonomous Driving Perception Engineer", "Self-Driving Planning Engineer"),
        ("자율주행 인지 개발자", "자율주행 SW 엔지니어"),
    ),
    "medical": (
        ("Medical Imaging ML Engineer", "Clinical Data Scientist"),
        ("의료 영상 AI 연구원", "헬스케어 백엔드 개발자"),
    ),
}
HEADINGS_EN = ("About the role", "What you'll do", "What we're looking for", "Benefits")
HEADINGS_KO = ("포지션 소개", "주요 업무", "자격 요건", "혜택 및 복지")

INTRO_EN = (
    "We are looking for a {role} to join our {team} team in {city}.",
    "{company} is hiring a {role} to help us build {thing} for millions of users.",
    "Join {company} as a {role} and work on {thing} that matter to our customers.",
)
DO_EN = (
    "Design, build and operate {thing} used by {n} million customers.",
    "Collaborate with product managers, designers and {team} engineers to ship features.",
    "Own services end to end, from design documents to deployment and on-call support.",
    "Write clean, well-tested code and review the work of your peers.",
    "Improve the performance of our {thing} by profiling and optimising hot paths.",
    "Work on data pipelines processing {n} TB of events every day.",
    "Build APIs with {fw} and deploy them to {cloud}.",
    "Mentor junior engineers and help shape our engineering culture.",
    "Automate our infrastructure with {infra} and {infra2}.",
    "Partner with the {team} team to define metrics and run experiments.",
)
REQ_EN = (
    "{n}+ years of professional experience with {lang} or {lang2}.",
    "Experience with {infra} and {infra2} in production environments.",
    "Strong understanding of data structures, algorithms and distributed systems.",
    "Bachelor's degree in Computer Science or a related field, or equivalent experience.",
    "Excellent written and verbal communication skills in English.",
    "Hands-on experience with {db} and query optimisation.",
    "Familiarity with {ml} is a plus.",
    "Our stack includes {lang}, {infra}, {db} and {cloud}.",
    "You care about reliability, observability and developer experience.",
)
BENEFITS_EN = (
    "The salary range for this position is ${lo}k - ${hi}k plus equity.",
    "Flexible working hours and a hybrid work model with {k} days in the office.",
    "A yearly learning budget and a new laptop of your choice.",
    "We are an equal opportunity employer and value diversity at our company.",
    "Generous paid time off and {k} weeks of parental leave.",
)
DECOY_EN = (  # benefit boilerplate: medical words that are not the job's domain
    "We offer competitive pay, medical, dental and vision insurance, and a 401(k) match.",
    "Comprehensive medical insurance for you and your family.",
    "Private healthcare and a yearly wellness allowance.",
    "Paid medical leave and mental health support.",
)
INTRO_KO = (
    "{company}에서 {team} 팀과 함께 성장할 {role}를 찾습니다.",
    "{company}는 {thing_ko}를 만드는 팀입니다. {role} 포지션을 채용합니다.",
    "{role} 포지션에 지원해 주세요. 근무지는 {city}입니다.",
)
DO_KO = (
    "{lang} 기반 백엔드 서비스 설계 및 개발",
    "대용량 트래픽 처리를 위한 분산 시스템 설계",
    "{infra}, {infra2} 등 클라우드 인프라 구축 및 운영",
    "데이터 파이프라인 구축 및 운영 ({infra} 활용)",
    "신규 서비스 기획 및 사용자 경험 개선",
    "{fw} 기반 웹 서비스 개발 및 유지보수",
    "코드 리뷰 및 테스트 자동화 문화 정착",
    "사내 데이터 플랫폼 고도화 및 성능 최적화",
)
REQ_KO = (
    "관련 분야 경력 {n}년 이상",
    "컴퓨터공학 또는 관련 전공 학사 이상",
    "{lang} 또는 {lang2} 중 하나 이상 능숙하신 분",
    "원활한 커뮤니케이션 및 협업 능력을 갖추신 분",
    "{db} 등 데이터베이스 설계 및 운영 경험",
    "{ml} 사용 경험자 우대",
    "대용량 데이터 처리 경험이 있으신 분",
    "영어 문서 독해에 어려움이 없으신 분",
)
BENEFITS_KO = (
    "자율 출퇴근제 및 주 {k}일 재택근무",
    "최신 장비 지원 (맥북 프로, 모니터)",
    "도서 구입비 및 교육비 지원",
    "점심 식대 및 간식 무제한 제공",
    "4대 보험 및 퇴직연금",
    "스톡옵션 부여 (내부 기준에 따름)",
    "채용 절차: 서류 전형 - 1차 면접 - 2차 면접 - 처우 협의 - 최종 합격",
    "본 공고는 채용 시 조기 마감될 수 있습니다.",
)
DECOY_KO = ("연 1회 종합 건강검진 및 의료비 지원", "단체 실손 의료 보험 가입", "제휴 병원 할인")
TOPIC_SENTENCES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "llm": (
        (
            "Fine-tune and evaluate large language models for {domain} use cases.",
            "Build retrieval-augmented generation pipelines on top of our LLM platform.",
            "Experience with LLMs, prompt engineering and RLHF is a strong plus.",
            "Serve open-weight models such as LLaMA with vLLM at low latency.",
            "Develop LLM-based agents that automate {domain} workflows.",
        ),
        (
            "대규모 언어 모델(LLM) 기반 서비스 개발 및 운영",
            "LLM 파인튜닝 및 평가 파이프라인 구축 경험",
            "초거대 AI 모델 학습 및 서빙 경험자 우대",
            "sLLM 경량화 및 추론 최적화",
            "하이퍼클로바 등 언어 모델을 활용한 서비스 개발",
        ),
    ),
    "multimodal": (
        (
            "Research multimodal LLMs that reason over images, video and text.",
            "Train vision-language models (VLM) for document understanding.",
            "Experience with LLaVA, Qwen-VL or other large multimodal models.",
        ),
        (
            "멀티모달 LLM 연구 및 개발 (이미지, 텍스트)",
            "비전 언어 모델(VLM) 학습 데이터 구축 및 평가",
            "멀티모달 AI 모델 경량화 및 서빙",
        ),
    ),
    "autonomous": (
        (
            "Develop perception software for our autonomous driving stack.",
            "Build simulation tools to validate self-driving vehicle behaviour.",
            "Experience with ADAS sensor fusion (camera, lidar, radar).",
            "Join the team operating our robotaxi fleet.",
        ),
        (
            "자율주행 인지 및 판단 알고리즘 개발",
            "자율주행 차량용 센서 퓨전 및 측위 개발",
            "ADAS 기능 검증 및 시뮬레이션 환경 구축",
            "로보택시 서비스 운영 시스템 개발",
        ),
    ),
    "medical": (
        (
            "Build deep learning models for medical imaging such as CT and MRI.",
            "Work closely with clinicians and hospital partners to validate our models.",
            "Experience with clinical data or regulated medical device software.",
            "Join a healthtech company improving patient outcomes with digital health tools.",
        ),
        (
            "의료 영상 AI 모델 개발 (CT, MRI, X-ray)",
            "병원 및 임상 데이터 기반 분석 시스템 구축",
            "의료기기 소프트웨어 인허가 문서 작성 경험 우대",
            "디지털 헬스케어 서비스 백엔드 개발",
        ),
    ),
}
DIFFUSION = (
    (
        "Experience training diffusion models for image generation.",
        "Research on diffusion-based generative models and Stable Diffusion fine-tuning.",
    ),
    ("Diffusion 모델 기반 이미지 생성 연구", "디퓨전(diffusion) 모델 학습 및 추론 최적화"),
)
ROBOT = (
    ("Robotics experience (ROS, robot manipulation) is a plus.",),
    (
        "협동로봇 제어 소프트웨어 개발",
        "로봇 팔 모션 플래닝 알고리즘 개발",
        "서비스 로봇 자율 이동(SLAM) 개발 경험자 우대",
    ),
)
RARE_DECOYS = (  # legal and storage senses of LLM and GPT
    ("Legal Counsel", "JD or LLM in taxation preferred; experience with cross-border deals."),
    ("Storage Engineer", "Debug boot issues on GPT partition tables and RAID arrays."),
)
KO_IN_EN = "한국어 및 영어 커뮤니케이션이 가능하신 분을 우대합니다."
EN_IN_KO = "We are a global team; English is used in daily work."

EN_PARTS_A = (
    "Nova",
    "Blue",
    "Quantum",
    "Bright",
    "Deep",
    "Atlas",
    "Pixel",
    "Orbit",
    "Cedar",
    "Lumen",
    "Vertex",
    "Nimbus",
    "Harbor",
    "Solar",
    "Iron",
    "Silver",
    "Echo",
    "Polar",
    "Maple",
    "Crimson",
)
EN_PARTS_C = ("", "Bio", "Cloud", "Mobility", "Vision", "Signal", "Fin", "Logic", "Grid", "Wave")
EN_PARTS_B = ("Labs", "AI", "Systems", "Robotics", "Health", "Data", "Works", "Technologies")
EN_SUFFIX = ("", "", ", Inc.", " Inc.", " Ltd.", " GmbH", " LLC", " Corp.")
KO_PARTS_A = (
    "한빛",
    "네오",
    "코어",
    "누리",
    "다온",
    "메디",
    "오토",
    "로보",
    "하늘",
    "바다",
    "별빛",
    "새솔",
    "온새",
    "가람",
    "미르",
    "라온",
    "은하",
    "청람",
)
KO_PARTS_C = ("", "스마트", "디지털", "그린", "퓨처", "넥스트", "블루", "유니")
KO_PARTS_B = ("소프트", "테크", "랩스", "AI", "바이오", "모빌리티", "데이터", "헬스", "시스템즈")
KO_FORM = ("(주){}", "{}", "주식회사 {}", "㈜{}", "{} 주식회사")


def _companies(rng: random.Random) -> tuple[list[str], list[str]]:
    en = [" ".join(filter(None, p)) for p in itertools.product(EN_PARTS_A, EN_PARTS_C, EN_PARTS_B)]
    ko = [a + c + b for a, c, b in itertools.product(KO_PARTS_A, KO_PARTS_C, KO_PARTS_B)]
    # Legal forms vary (the dedup key drops them): one spelling per company.
    en = [name + rng.choice(EN_SUFFIX) for name in en]
    ko = [rng.choice(KO_FORM).format(name) for name in ko]
    rng.shuffle(en)
    rng.shuffle(ko)
    return en, ko


def _cumulative(n: int) -> list[float]:
    """Zipf-like weights: a few companies post a lot, most post a little."""
    return list(itertools.accumulate(1.0 / (rank + 20) for rank in range(n)))


_SLOT_VALUES: dict[str, Callable[[random.Random], object]] = {
    "team": lambda r: r.choice(TEAMS),
    "thing": lambda r: r.choice(THINGS),
    "thing_ko": lambda r: r.choice(THINGS_KO),
    "n": lambda r: r.randint(2, 12),
    "k": lambda r: r.randint(1, 4),
    "lo": lambda r: r.randrange(90, 180, 5),
    "hi": lambda r: r.randrange(180, 320, 5),
    "lang": lambda r: r.choice(LANGS),
    "lang2": lambda r: r.choice(LANGS),
    "infra": lambda r: r.choice(INFRA),
    "infra2": lambda r: r.choice(INFRA),
    "db": lambda r: r.choice(DBS),
    "cloud": lambda r: r.choice(CLOUDS),
    "ml": lambda r: r.choice(ML),
    "fw": lambda r: r.choice(FRAMEWORKS),
    "domain": lambda r: r.choice(DOMAINS),
}


@functools.cache
def _slots(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)


class _Generator:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.en_companies, self.ko_companies = _companies(self.rng)
        self.en_weights = _cumulative(len(self.en_companies))
        self.ko_weights = _cumulative(len(self.ko_companies))
        self.recent: list[CorpusPosting] = []

    def _company(self, korean: bool) -> str:
        names, weights = (
            (self.ko_companies, self.ko_weights) if korean else (self.en_companies, self.en_weights)
        )
        return names[bisect.bisect_left(weights, self.rng.random() * weights[-1])]

    def _fill(self, template: str, company: str, role: str, city: str) -> str:
        slots = _slots(template)
        if not slots:
            return template
        r = self.rng
        fixed = {"role": role, "company": company, "city": city}
        values = {name: fixed[name] if name in fixed else _SLOT_VALUES[name](r) for name in slots}
        return template.format(**values)

    def posting(self, index: int) -> CorpusPosting:
        r = self.rng
        if self.recent and r.random() < DUPLICATE_RATE:
            original = r.choice(self.recent)
            pool = SOURCES_KO if original.lang == "ko" else SOURCES_EN
            others = [s for s in pool if s != original.source]
            source = r.choice(others)
            copy = CorpusPosting(
                index,
                source,
                original.lang,
                f"{source}-{index:07d}",
                original.title,
                original.company,
                original.location,
                original.description,
                r.randint(0, 3),
                original.index if original.duplicate_of is None else original.duplicate_of,
            )
            return copy
        korean = r.random() < KOREAN_RATE
        lang = "ko" if korean else "en"
        source = r.choice(SOURCES_KO if korean else SOURCES_EN)
        topics = [t for t, rate in TOPIC_RATES.items() if r.random() < rate]
        company = self._company(korean)
        city = r.choice(CITIES_KO if korean else CITIES_EN)
        side = 1 if korean else 0
        if topics and r.random() < 0.4:
            role = r.choice(TOPIC_TITLES[r.choice(topics)][side])
        else:
            role = r.choice(ROLES_KO if korean else ROLES_EN)
        title = f"{r.choice(LEVELS_KO if korean else LEVELS_EN)}{role}"
        if r.random() < 0.6:
            team = r.choice(TEAMS_KO if korean else TEAMS)
            title += f" ({team}팀)" if korean else f", {team}"
        extra_lines: list[str] = []
        if r.random() < 0.003:
            title, legal = RARE_DECOYS[r.randrange(len(RARE_DECOYS))]
            extra_lines.append(legal)
        for topic in topics:
            extra_lines += r.sample(TOPIC_SENTENCES[topic][side], k=min(2, r.randint(1, 3)))
        if r.random() < DIFFUSION_RATE:
            extra_lines.append(r.choice(DIFFUSION[side]))
        if r.random() < (ROBOT_RATE if korean else ROBOT_RATE / 2):
            extra_lines.append(r.choice(ROBOT[side]))
        description = self._description(korean, company, role, city, extra_lines)
        posting = CorpusPosting(
            index,
            source,
            lang,
            f"{source}-{index:07d}",
            title,
            company,
            city,
            description,
            r.randint(0, 30),
            None,
        )
        self.recent.append(posting)
        if len(self.recent) > 300:
            del self.recent[:100]
        return posting

    def _description(
        self, korean: bool, company: str, role: str, city: str, topic_lines: list[str]
    ) -> str:
        r = self.rng
        target = r.randint(750, 1100)  # UTF-8 bytes of the description
        intro = INTRO_KO if korean else INTRO_EN
        do, req = (DO_KO, REQ_KO) if korean else (DO_EN, REQ_EN)
        benefits, decoys = (BENEFITS_KO, DECOY_KO) if korean else (BENEFITS_EN, DECOY_EN)
        headings = HEADINGS_KO if korean else HEADINGS_EN
        bullet = "- " if korean or r.random() < 0.5 else "• "
        sections: list[list[str]] = [
            [self._fill(r.choice(intro), company, role, city)],
            [],
            [],
            [],
        ]
        for line in topic_lines:
            sections[r.choice((1, 2))].insert(r.randint(0, 1), line)
        if r.random() < 0.35:
            sections[3].append(r.choice(decoys))
        if r.random() < 0.1:
            sections[2].append(EN_IN_KO if korean else KO_IN_EN)
        size = sum(len(s.encode()) + 3 for part in sections for s in part)
        spare = [
            (where, line) for where, pool in ((1, do), (2, req), (3, benefits)) for line in pool
        ]
        r.shuffle(spare)
        for where, template in itertools.cycle(spare):
            if size >= target and all(sections[1:]):
                break
            line = self._fill(template, company, role, city)
            sections[where].append(line)
            size += len(line.encode()) + 3
        blocks = [
            f"{heading}\n" + "\n".join((bullet if i else "") + line for line in lines)
            for i, (heading, lines) in enumerate(zip(headings, sections, strict=True))
        ]
        return "\n\n".join(blocks)


def generate(n: int) -> Iterator[CorpusPosting]:
    """The first ``n`` postings of the corpus, in order."""
    gen = _Generator()
    for index in range(n):
        yield gen.posting(index)


def path_for(n: int) -> Path:
    return DATA / f"corpus-{VERSION}-{n}.jsonl"


def _cached_at_least(n: int) -> Path | None:
    """A cached corpus of ``n`` or more postings (its first ``n`` are the corpus of ``n``)."""
    best: tuple[int, Path] | None = None
    for path in DATA.glob(f"corpus-{VERSION}-*.jsonl"):
        try:
            size = int(path.stem.rsplit("-", 1)[1])
        except ValueError:
            continue
        if size >= n and (best is None or size < best[0]):
            best = (size, path)
    return best[1] if best else None


def ensure(n: int) -> Path:
    """A cached file holding at least ``n`` postings, generated if none is there."""
    found = _cached_at_least(n)
    if found is not None:
        return found
    DATA.mkdir(parents=True, exist_ok=True)
    path = path_for(n)
    tmp = path.with_suffix(".tmp")
    log(f"generating a corpus of {n} postings -> {path.name}")
    with tmp.open("w", encoding="utf-8") as out:
        for posting in generate(n):
            out.write(posting.to_json())
            out.write("\n")
    tmp.replace(path)
    return path


def load(n: int) -> Iterator[CorpusPosting]:
    """Stream the first ``n`` postings from the cache (generating it once)."""
    path = ensure(n)
    with path.open(encoding="utf-8") as lines:
        for line in itertools.islice(lines, n):
            yield CorpusPosting.from_json(line)
