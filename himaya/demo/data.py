"""The fictional agencies and staff of the demo, modelled on a Gulf state's referral mechanism.

Every name, address, phone number and domain here is invented (domains use the reserved
`.example` top-level domain; phone numbers are in the local numbering plan but unassigned).
"""

from __future__ import annotations

from dataclasses import dataclass

from himaya.accounts.roles import Role
from himaya.agencies.models import AgencyType
from himaya.agencies.models import ServiceType as S

DEMO_PASSWORD = "himaya-demo-2026"  # noqa: S105  (printed on screen; the demo refuses production)
EMAIL_DOMAIN = "example"

# Working hours written the way agencies publish them.
OFFICE_HOURS = "Sun–Thu 07:00–14:00"
ALWAYS_OPEN = "24/7"


@dataclass(frozen=True)
class ServiceSpec:
    type: str
    languages: str = "ar,en"
    capacity: str = ""
    hours: str = OFFICE_HOURS


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name_ar: str
    name_en: str
    type: str
    address_ar: str
    address_en: str
    phone: str
    parent: str = ""
    country: str = ""
    services: tuple[ServiceSpec, ...] = ()
    # Roles of the demo staff at this agency (one account per role).
    roles: tuple[Role, ...] = ()
    # Whose names the staff get: a key of himaya.demo.names.NAME_PARTS ("BH": the host country).
    staff_origin: str = "BH"
    staff_language: str = "ar"
    people: int = 0  # share of the synthetic people this agency's first responder records

    @property
    def domain(self) -> str:
        return f"{self.code}.{EMAIL_DOMAIN}"

    @property
    def email(self) -> str:
        return f"info@{self.domain}"

    @property
    def website(self) -> str:
        return f"https://www.{self.domain}"


ALL_ROLES = tuple(Role)
FRONTLINE = (Role.FIRST_RESPONDER, Role.CASE_WORKER, Role.AGENCY_ADMIN)
EMBASSY_SERVICES = (
    ServiceSpec(S.TRAVEL_DOCUMENTS),
    ServiceSpec(S.REPATRIATION),
)


def _embassy(
    code: str,
    country: str,
    name_ar: str,
    name_en: str,
    area_ar: str,
    area_en: str,
    phone: str,
    languages: str,
    roles: tuple[Role, ...] = (Role.CASE_WORKER, Role.AGENCY_ADMIN),
) -> AgencySpec:
    return AgencySpec(
        code=code,
        name_ar=name_ar,
        name_en=name_en,
        type=AgencyType.EMBASSY,
        country=country,
        address_ar=f"منطقة السفارات، {area_ar}",
        address_en=f"Diplomatic Area, {area_en}",
        phone=phone,
        services=(*EMBASSY_SERVICES, ServiceSpec(S.INTERPRETATION, languages=languages)),
        roles=roles,
        staff_origin=country,
        staff_language="en",
    )


AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec(
        code="lma",
        name_ar="هيئة تنظيم سوق العمل",
        name_en="Labour Market Authority",
        type=AgencyType.LABOUR_REGULATOR,
        address_ar="مبنى ١٢٠، طريق ٣٨٣، المنامة",
        address_en="Building 120, Road 383, Manama",
        phone="+973 1750 6000",
        services=(ServiceSpec(S.EMPLOYMENT_TRANSFER, languages="ar,en,hi,ur,bn,tl"),),
        roles=(Role.AGENCY_ADMIN, Role.ANALYST),
    ),
    AgencySpec(
        code="epc",
        name_ar="مركز حماية العمالة الوافدة",
        name_en="Expatriate Workers Protection Centre",
        type=AgencyType.PROTECTION_CENTRE,
        parent="lma",
        address_ar="مبنى ٤٥، طريق ١٥٠٢، مدينة عيسى",
        address_en="Building 45, Road 1502, Isa Town",
        phone="+973 1750 6055",
        services=(
            ServiceSpec(
                S.SHELTER, languages="ar,en,hi,ml,ta,bn,tl,am,si,ne,ur,sw", capacity="120 beds", hours=ALWAYS_OPEN
            ),
            ServiceSpec(S.PSYCHOSOCIAL, languages="ar,en,hi,tl,am"),
            ServiceSpec(S.LEGAL_AID, languages="ar,en"),
            ServiceSpec(S.INTERPRETATION, languages="ar,en,hi,ml,ta,bn,tl,am,si,ne,ur,sw", hours=ALWAYS_OPEN),
            ServiceSpec(S.EMPLOYMENT_TRANSFER, languages="ar,en"),
        ),
        roles=ALL_ROLES,
        people=30,
    ),
    AgencySpec(
        code="police-atu",
        name_ar="وحدة مكافحة الاتجار بالأشخاص - الإدارة العامة للمباحث",
        name_en="Anti-Trafficking Unit, Criminal Investigation Directorate",
        type=AgencyType.POLICE,
        address_ar="مجمع الشرطة، طريق ٢٢٠١، العدلية",
        address_en="Police Complex, Road 2201, Adliya",
        phone="+973 1739 0999",
        services=(ServiceSpec(S.INVESTIGATION, hours=ALWAYS_OPEN),),
        roles=(*FRONTLINE, Role.SUPERVISOR),
        people=18,
    ),
    AgencySpec(
        code="prosecution",
        name_ar="النيابة العامة - نيابة الاتجار بالأشخاص",
        name_en="Public Prosecution, Trafficking in Persons Prosecution",
        type=AgencyType.PROSECUTION,
        address_ar="مبنى النيابة العامة، طريق ٤٠٥، الضاحية الدبلوماسية",
        address_en="Public Prosecution Building, Road 405, Diplomatic Area",
        phone="+973 1742 0300",
        services=(ServiceSpec(S.INVESTIGATION),),
        roles=(Role.CASE_WORKER, Role.SUPERVISOR),
    ),
    AgencySpec(
        code="npra",
        name_ar="شؤون الجنسية والجوازات والإقامة",
        name_en="Nationality, Passports and Residence Affairs",
        type=AgencyType.IMMIGRATION,
        address_ar="مبنى ١٥٨، طريق ١٩٠٢، الحورة",
        address_en="Building 158, Road 1902, Hoora",
        phone="+973 1721 2000",
        services=(ServiceSpec(S.TRAVEL_DOCUMENTS), ServiceSpec(S.REPATRIATION)),
        roles=(Role.CASE_WORKER, Role.AGENCY_ADMIN),
    ),
    AgencySpec(
        code="shelter-aman",
        name_ar="دار الأمان للإيواء",
        name_en="Dar Al Aman Shelter",
        type=AgencyType.SHELTER_OPERATOR,
        address_ar="فيلا ٧، طريق ٣٣١١، سند",
        address_en="Villa 7, Road 3311, Sanad",
        phone="+973 1762 4411",
        services=(
            ServiceSpec(S.SHELTER, languages="ar,en,hi,tl", capacity="40 beds (women and children)", hours=ALWAYS_OPEN),
            ServiceSpec(S.PSYCHOSOCIAL, languages="ar,en"),
            ServiceSpec(S.MEDICAL, languages="ar,en", capacity="nurse on site"),
        ),
        roles=(Role.SERVICE_PROVIDER, Role.CASE_WORKER, Role.AGENCY_ADMIN),
    ),
    AgencySpec(
        code="shelter-amal",
        name_ar="دار الأمل لإيواء العاملات",
        name_en="Dar Al Amal Women Workers' Shelter",
        type=AgencyType.SHELTER_OPERATOR,
        address_ar="مبنى ٢٢، طريق ٥٦١٢، المحرق",
        address_en="Building 22, Road 5612, Muharraq",
        phone="+973 1733 8120",
        services=(
            ServiceSpec(S.SHELTER, languages="ar,en,am,si,ne", capacity="25 beds (women)", hours=ALWAYS_OPEN),
            ServiceSpec(S.PSYCHOSOCIAL, languages="ar,en,am"),
        ),
        roles=(Role.SERVICE_PROVIDER, Role.CASE_WORKER, Role.AGENCY_ADMIN),
    ),
    AgencySpec(
        code="moh",
        name_ar="وزارة الصحة - قسم الرعاية الطبية للضحايا",
        name_en="Ministry of Health, Victim Medical Care Section",
        type=AgencyType.HEALTH,
        address_ar="مجمع السلمانية الطبي، طريق ٢٩٠٤، المنامة",
        address_en="Salmaniya Medical Complex, Road 2904, Manama",
        phone="+973 1728 8888",
        services=(ServiceSpec(S.MEDICAL, hours=ALWAYS_OPEN), ServiceSpec(S.PSYCHOSOCIAL)),
        roles=(Role.SERVICE_PROVIDER,),
    ),
    AgencySpec(
        code="mosd",
        name_ar="وزارة التنمية الاجتماعية",
        name_en="Ministry of Social Development",
        type=AgencyType.SOCIAL_DEVELOPMENT,
        address_ar="مبنى ٦٥٠، طريق ٤٠٢٥، عيسى تاون",
        address_en="Building 650, Road 4025, Isa Town",
        phone="+973 1710 1000",
        services=(ServiceSpec(S.PSYCHOSOCIAL), ServiceSpec(S.OTHER, capacity="family tracing, child protection")),
        roles=(Role.SERVICE_PROVIDER,),
    ),
    AgencySpec(
        code="ngo-mwcs",
        name_ar="جمعية رعاية العمال الوافدين",
        name_en="Migrant Workers Care Society",
        type=AgencyType.NGO,
        address_ar="مكتب ٣، مبنى ٩٠٩، طريق ٣٦١٨، العدلية",
        address_en="Office 3, Building 909, Road 3618, Adliya",
        phone="+973 1771 4455",
        services=(
            ServiceSpec(S.SHELTER, languages="ar,en,tl,hi", capacity="12 beds", hours=ALWAYS_OPEN),
            ServiceSpec(S.INTERPRETATION, languages="en,tl,hi,ml,bn"),
        ),
        roles=FRONTLINE,
        people=12,
    ),
    AgencySpec(
        code="ngo-legal",
        name_ar="مبادرة العون القانوني للعمال",
        name_en="Workers' Legal Aid Initiative",
        type=AgencyType.NGO,
        address_ar="مكتب ١٤، برج الأعمال، المنطقة الدبلوماسية",
        address_en="Office 14, Business Tower, Diplomatic Area",
        phone="+973 1753 2200",
        services=(ServiceSpec(S.LEGAL_AID, languages="ar,en,ur,hi"),),
        roles=FRONTLINE,
    ),
    AgencySpec(
        code="ngo-wellbeing",
        name_ar="شبكة الدعم النفسي والاجتماعي",
        name_en="Psychosocial Support Network",
        type=AgencyType.NGO,
        address_ar="مبنى ٣٠٤، طريق ١٠٢٥، الجفير",
        address_en="Building 304, Road 1025, Juffair",
        phone="+973 1782 3030",
        services=(ServiceSpec(S.PSYCHOSOCIAL, languages="ar,en,si,ne,sw"),),
        roles=FRONTLINE,
    ),
    _embassy(
        "emb-in",
        "IN",
        "سفارة جمهورية الهند",
        "Embassy of India",
        "السيف",
        "Seef",
        "+973 1771 2785",
        "en,hi,ml,ta,te",
        roles=(Role.FIRST_RESPONDER, Role.CASE_WORKER, Role.AGENCY_ADMIN),
    ),
    _embassy(
        "emb-bd",
        "BD",
        "سفارة جمهورية بنغلاديش الشعبية",
        "Embassy of Bangladesh",
        "الجفير",
        "Juffair",
        "+973 1772 1552",
        "en,bn",
    ),
    _embassy(
        "emb-ph",
        "PH",
        "سفارة جمهورية الفلبين",
        "Embassy of the Philippines",
        "السيف",
        "Seef",
        "+973 1772 0048",
        "en,tl",
        roles=(Role.FIRST_RESPONDER, Role.CASE_WORKER, Role.AGENCY_ADMIN),
    ),
    _embassy("emb-np", "NP", "سفارة نيبال", "Embassy of Nepal", "الزنج", "Zinj", "+973 1772 5583", "en,ne"),
    _embassy(
        "emb-et",
        "ET",
        "سفارة جمهورية إثيوبيا الاتحادية الديمقراطية",
        "Embassy of Ethiopia",
        "الجفير",
        "Juffair",
        "+973 1772 0431",
        "en,am,om",
    ),
    _embassy(
        "emb-lk",
        "LK",
        "سفارة جمهورية سريلانكا الديمقراطية الاشتراكية",
        "Embassy of Sri Lanka",
        "الماحوز",
        "Mahooz",
        "+973 1772 4354",
        "en,si,ta",
    ),
    _embassy(
        "emb-pk",
        "PK",
        "سفارة جمهورية باكستان الإسلامية",
        "Embassy of Pakistan",
        "الزنج",
        "Zinj",
        "+973 1724 4113",
        "en,ur",
    ),
    _embassy("emb-ke", "KE", "سفارة جمهورية كينيا", "Embassy of Kenya", "السيف", "Seef", "+973 1771 5250", "en,sw"),
    AgencySpec(
        code="imo",
        name_ar="الوكالة الدولية للهجرة - المكتب القطري",
        name_en="International Migration Agency, Country Office",
        type=AgencyType.INTERNATIONAL_ORG,
        address_ar="مبنى الأمم المتحدة، طريق ١٩٠٤، الحورة",
        address_en="UN House, Road 1904, Hoora",
        phone="+973 1731 1660",
        services=(ServiceSpec(S.REPATRIATION, languages="en,ar,fr"), ServiceSpec(S.PSYCHOSOCIAL, languages="en,ar")),
        roles=(Role.CASE_WORKER,),
        staff_origin="XX",
        staff_language="en",
    ),
    AgencySpec(
        code="jo-nrm",
        name_ar="اللجنة الوطنية لمنع الاتجار بالبشر - الأردن",
        name_en="National Committee for the Prevention of Human Trafficking, Jordan",
        type=AgencyType.PARTNER_NRM,
        country="JO",
        address_ar="وزارة العدل، شارع الملكة رانيا، عمّان",
        address_en="Ministry of Justice, Queen Rania Street, Amman",
        phone="+962 6 460 3630",
        services=(ServiceSpec(S.REPATRIATION),),
        roles=(Role.CASE_WORKER,),
        staff_origin="JO",
    ),
)

ROLE_EMAIL_NAMES: dict[Role, str] = {
    Role.FIRST_RESPONDER: "responder",
    Role.CASE_WORKER: "caseworker",
    Role.SUPERVISOR: "supervisor",
    Role.NRM_COORDINATOR: "coordinator",
    Role.SERVICE_PROVIDER: "services",
    Role.ANALYST: "analyst",
    Role.AUDITOR: "auditor",
    Role.AGENCY_ADMIN: "admin",
    Role.SYSTEM_ADMIN: "sysadmin",
    Role.LABOUR_INSPECTOR: "inspector",
    Role.TRAINING_OFFICER: "training",
    Role.TRAINER: "trainer",
}


def staff_email(spec: AgencySpec, role: Role) -> str:
    """Demo logins are named after the role, so they are easy to pick from the printed table."""
    return f"{ROLE_EMAIL_NAMES[role]}@{spec.domain}"
