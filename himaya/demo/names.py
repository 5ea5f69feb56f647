"""Name parts by nationality, in Latin and Arabic script, for generating fictional people.

Names are assembled from common given names and family names of each country (a given name and
a family name drawn independently), so no generated full name is taken from a real record.
Each part is (Latin spelling, Arabic-script spelling as an Arabic-speaking officer would write it).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

Part = tuple[str, str]


@dataclass(frozen=True)
class NameParts:
    female: tuple[Part, ...]
    male: tuple[Part, ...]
    family: tuple[Part, ...]


NAME_PARTS: dict[str, NameParts] = {
    "IN": NameParts(
        female=(
            ("Lakshmi", "لاكشمي"),
            ("Priya", "بريا"),
            ("Anitha", "أنيثا"),
            ("Sunita", "سونيتا"),
            ("Deepa", "ديبا"),
            ("Meena", "مينا"),
            ("Shalini", "شاليني"),
        ),
        male=(
            ("Ravi", "رافي"),
            ("Suresh", "سوريش"),
            ("Rajesh", "راجيش"),
            ("Anil", "أنيل"),
            ("Manoj", "مانوج"),
            ("Vijay", "فيجاي"),
        ),
        family=(
            ("Nair", "ناير"),
            ("Kumar", "كومار"),
            ("Pillai", "بيلاي"),
            ("Menon", "مينون"),
            ("Reddy", "ريدي"),
            ("Sharma", "شارما"),
            ("Thomas", "توماس"),
        ),
    ),
    "BD": NameParts(
        female=(
            ("Fatema", "فاطمة"),
            ("Rina", "رينا"),
            ("Nasrin", "نسرين"),
            ("Shirin", "شيرين"),
            ("Taslima", "تسليمة"),
            ("Rokeya", "رقية"),
        ),
        male=(
            ("Rahim", "رحيم"),
            ("Karim", "كريم"),
            ("Jamal", "جمال"),
            ("Habib", "حبيب"),
            ("Sohel", "سهيل"),
            ("Mizanur", "ميزانور"),
        ),
        family=(
            ("Hossain", "حسين"),
            ("Rahman", "رحمن"),
            ("Islam", "إسلام"),
            ("Akter", "أختر"),
            ("Uddin", "الدين"),
            ("Miah", "ميا"),
            ("Begum", "بيغوم"),
        ),
    ),
    "PH": NameParts(
        female=(
            ("Maria", "ماريا"),
            ("Rowena", "روينا"),
            ("Jocelyn", "جوسلين"),
            ("Maricel", "ماريسيل"),
            ("Analyn", "أنالين"),
            ("Cristina", "كريستينا"),
        ),
        male=(
            ("Jose", "خوسيه"),
            ("Mark", "مارك"),
            ("Rodel", "روديل"),
            ("Jonathan", "جوناثان"),
            ("Reynaldo", "رينالدو"),
        ),
        family=(
            ("Santos", "سانتوس"),
            ("Reyes", "رييس"),
            ("Cruz", "كروز"),
            ("Bautista", "باوتيستا"),
            ("Garcia", "غارسيا"),
            ("Mendoza", "ميندوزا"),
            ("Dela Cruz", "ديلا كروز"),
        ),
    ),
    "NP": NameParts(
        female=(("Sita", "سيتا"), ("Gita", "غيتا"), ("Sabina", "سابينا"), ("Kamala", "كامالا"), ("Anjali", "أنجالي")),
        male=(("Ram", "رام"), ("Bikash", "بيكاش"), ("Suman", "سومان"), ("Prakash", "براكاش"), ("Dipendra", "ديبيندرا")),
        family=(
            ("Gurung", "غورونغ"),
            ("Tamang", "تامانغ"),
            ("Shrestha", "شريستا"),
            ("Rai", "راي"),
            ("Magar", "ماغار"),
            ("Thapa", "ثابا"),
        ),
    ),
    "ET": NameParts(
        female=(
            ("Tigist", "تيغيست"),
            ("Meron", "ميرون"),
            ("Hiwot", "هيوت"),
            ("Selam", "سلام"),
            ("Bethlehem", "بيتلحم"),
            ("Almaz", "ألماز"),
        ),
        male=(("Dawit", "داويت"), ("Abebe", "أبيبي"), ("Tesfaye", "تسفاي"), ("Yonas", "يوناس"), ("Kebede", "كيبيدي")),
        family=(
            ("Alemu", "أليمو"),
            ("Bekele", "بيكيلي"),
            ("Tadesse", "تاديسي"),
            ("Girma", "غيرما"),
            ("Haile", "هايلي"),
            ("Mekonnen", "ميكونين"),
        ),
    ),
    "LK": NameParts(
        female=(
            ("Nirmala", "نيرمالا"),
            ("Chamari", "تشاماري"),
            ("Dilani", "ديلاني"),
            ("Kumari", "كوماري"),
            ("Shanthi", "شانثي"),
        ),
        male=(
            ("Nuwan", "نووان"),
            ("Chaminda", "تشاميندا"),
            ("Ruwan", "رووان"),
            ("Sampath", "سامباث"),
            ("Kasun", "كاسون"),
        ),
        family=(
            ("Perera", "بيريرا"),
            ("Fernando", "فرناندو"),
            ("Silva", "سيلفا"),
            ("Jayasuriya", "جاياسوريا"),
            ("Wijesinghe", "ويجيسينغ"),
            ("Bandara", "باندارا"),
        ),
    ),
    "PK": NameParts(
        female=(("Ayesha", "عائشة"), ("Sadia", "سعدية"), ("Rubina", "روبينة"), ("Nazia", "نازية"), ("Shazia", "شازية")),
        male=(
            ("Imran", "عمران"),
            ("Asif", "آصف"),
            ("Tariq", "طارق"),
            ("Bilal", "بلال"),
            ("Zahid", "زاهد"),
            ("Naveed", "نويد"),
        ),
        family=(
            ("Khan", "خان"),
            ("Ahmed", "أحمد"),
            ("Hussain", "حسين"),
            ("Malik", "مالك"),
            ("Qureshi", "قريشي"),
            ("Iqbal", "إقبال"),
        ),
    ),
    "KE": NameParts(
        female=(
            ("Wanjiru", "وانجيرو"),
            ("Akinyi", "أكينيي"),
            ("Njeri", "نجيري"),
            ("Achieng", "أتشينغ"),
            ("Mercy", "ميرسي"),
            ("Faith", "فيث"),
        ),
        male=(
            ("Otieno", "أوتينو"),
            ("Kamau", "كاماو"),
            ("Mwangi", "موانغي"),
            ("Kiprono", "كيبرونو"),
            ("Omondi", "أوموندي"),
        ),
        family=(
            ("Ochieng", "أوتشينغ"),
            ("Kariuki", "كاريوكي"),
            ("Wambui", "وامبوي"),
            ("Mutua", "موتوا"),
            ("Njoroge", "نجوروغي"),
            ("Kiptoo", "كيبتو"),
        ),
    ),
    # Staff of the host country's agencies (a Gulf state) and of the Jordanian partner NRM.
    "BH": NameParts(
        female=(
            ("Fatima", "فاطمة"),
            ("Maryam", "مريم"),
            ("Noora", "نورة"),
            ("Sara", "سارة"),
            ("Hessa", "حصة"),
            ("Latifa", "لطيفة"),
            ("Zainab", "زينب"),
            ("Amina", "أمينة"),
        ),
        male=(
            ("Ahmed", "أحمد"),
            ("Khalid", "خالد"),
            ("Ali", "علي"),
            ("Hamad", "حمد"),
            ("Yousif", "يوسف"),
            ("Salman", "سلمان"),
            ("Jassim", "جاسم"),
            ("Ebrahim", "إبراهيم"),
        ),
        family=(
            ("Al-Sayed", "السيد"),
            ("Al-Mahmood", "المحمود"),
            ("Al-Ansari", "الأنصاري"),
            ("Al-Doseri", "الدوسري"),
            ("Al-Hashimi", "الهاشمي"),
            ("Al-Mannai", "المناعي"),
            ("Al-Mutawa", "المطوع"),
            ("Al-Qassab", "القصاب"),
        ),
    ),
    "JO": NameParts(
        female=(("Rania", "رانيا"), ("Lina", "لينا"), ("Dima", "ديما"), ("Hala", "هالة")),
        male=(("Omar", "عمر"), ("Zaid", "زيد"), ("Faisal", "فيصل"), ("Tareq", "طارق")),
        family=(
            ("Al-Masri", "المصري"),
            ("Haddad", "حداد"),
            ("Al-Khatib", "الخطيب"),
            ("Nasser", "ناصر"),
            ("Al-Zoubi", "الزعبي"),
        ),
    ),
    # International staff of the international organisation.
    "XX": NameParts(
        female=(("Claire", "كلير"), ("Sofia", "صوفيا"), ("Amara", "أمارا"), ("Ingrid", "إنغريد")),
        male=(("Lukas", "لوكاس"), ("Daniel", "دانيال"), ("Mateo", "ماتيو"), ("Tomas", "توماس")),
        family=(
            ("Moreau", "مورو"),
            ("Lindqvist", "ليندكفيست"),
            ("Okafor", "أوكافور"),
            ("Rossi", "روسي"),
            ("Novak", "نوفاك"),
        ),
    ),
}

# Countries of origin of the synthetic people, with rough weights (domestic and construction work).
ORIGIN_WEIGHTS: dict[str, int] = {"IN": 18, "BD": 12, "PH": 14, "NP": 8, "ET": 10, "LK": 8, "PK": 8, "KE": 10}


@dataclass(frozen=True)
class GeneratedName:
    given_latin: str
    family_latin: str
    given_arabic: str
    family_arabic: str
    female: bool

    @property
    def latin(self) -> str:
        return f"{self.given_latin} {self.family_latin}"

    @property
    def arabic(self) -> str:
        return f"{self.given_arabic} {self.family_arabic}"


def generate_name(rng: random.Random, country: str, *, female: bool | None = None) -> GeneratedName:
    """A fictional name for someone from `country`, in both scripts."""
    parts = NAME_PARTS[country]
    if female is None:
        female = rng.random() < 0.5
    given = rng.choice(parts.female if female else parts.male)
    family = rng.choice(parts.family)
    return GeneratedName(
        given_latin=given[0], family_latin=family[0], given_arabic=given[1], family_arabic=family[1], female=female
    )
