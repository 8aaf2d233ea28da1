"""Word lists for chain/seed.py's demo dataset (realistic, varied, UTF-8)."""

FIRST_NAMES = [
    "Aiko", "Kenji", "Haruto", "Yui", "Sofia", "Mateo", "Amara", "Lars", "Priya", "Wei", "Fatima", "Oluwaseun",
    "Ingrid", "Diego", "Mei", "Rahul", "Chiara", "Tomasz", "Leila", "Kwame", "Elif", "Niamh", "Santiago", "Anya",
    "Jun", "Zanele", "Björn", "Camille", "Hiroshi", "Lucía", "Arjun", "Freya", "Mohammed", "Sakura", "Nikolai",
    "Adaeze", "Emma", "Thiago", "Hana", "Yusuf", "Marta", "Ravi", "Chloé", "Kofi", "Ren", "Isabel", "Dmitri",
    "Aroha", "Soo-jin", "Matías", "Nadia", "Femi", "Astrid", "Kaito",
]

LAST_NAMES = [
    "Tanaka", "Suzuki", "Watanabe", "García", "Okafor", "Lindqvist", "Sharma", "Chen", "Haddad", "Adeyemi",
    "Nowak", "Rossi", "Mensah", "Yılmaz", "O'Brien", "Fernández", "Ivanova", "Kim", "Dubois", "Müller", "Patel",
    "Nakamura", "Silva", "Kowalski", "Andersen", "Abubakar", "Moreau", "Kato", "Ortega", "Petrov", "Nguyen",
    "Takahashi", "Costa", "Bergström", "Mahlangu", "Ito", "Rahman", "Schmidt", "Yamamoto", "Herrera",
]

CITIES = [
    "Tokyo", "Osaka", "Lisbon", "Lagos", "Stockholm", "Bengaluru", "Shenzhen", "Berlin", "Nairobi", "Toronto",
    "São Paulo", "Kraków", "Milan", "Accra", "Istanbul", "Dublin", "Buenos Aires", "Seoul", "Lyon", "Zurich",
    "Melbourne", "Auckland", "Mexico City", "Cape Town", "Singapore", "Fukuoka", "Tallinn", "Montréal",
]

# domain -> (category label, job titles, skills)
DOMAINS = {
    "software": ("software engineering", [
        "Backend engineer", "Smart contract developer", "Site reliability engineer", "Full-stack developer",
        "Security researcher", "Platform engineer", "Mobile developer",
    ], [
        "Solidity", "Vyper", "Rust", "Go", "TypeScript", "Python", "Kubernetes", "Terraform", "PostgreSQL",
        "React", "Swift", "Smart Contract Auditing", "Zero-Knowledge Proofs", "Distributed Systems", "GraphQL",
        "Linux Administration", "Kotlin", "Elixir", "WebAssembly", "Penetration Testing", "CI/CD Pipelines",
    ]),
    "data": ("data & AI", [
        "Data scientist", "Machine learning engineer", "Analytics engineer", "Data engineer",
    ], [
        "Machine Learning", "Data Engineering", "Apache Spark", "Statistics", "SQL", "Computer Vision",
        "Natural Language Processing", "Time-Series Forecasting", "dbt", "Bayesian Inference", "MLOps",
    ]),
    "design": ("design", [
        "Product designer", "UX researcher", "Brand designer", "Motion designer",
    ], [
        "UX Research", "Figma", "Typography", "Motion Design", "Accessibility (WCAG 2.2)", "Design Systems",
        "Illustration", "Service Design", "Information Architecture",
    ]),
    "civil": ("civil engineering", [
        "Structural engineer", "Geotechnical engineer", "BIM coordinator", "Site engineer",
    ], [
        "Structural Engineering", "Geotechnical Engineering", "AutoCAD", "BIM (Revit)", "Seismic Design",
        "Land Surveying", "Reinforced Concrete Design", "Timber Engineering", "Bridge Inspection",
    ]),
    "language": ("languages", [
        "Translator", "Conference interpreter", "Technical writer", "Localization lead",
    ], [
        "Japanese–English Translation", "Spanish–English Interpretation", "Technical Writing", "Copy Editing",
        "German–French Translation", "Subtitling", "Korean–English Translation", "Portuguese Localization",
        "Legal Translation", "Medical Interpreting",
    ]),
    "business": ("business", [
        "Project manager", "Agile coach", "Financial analyst", "Product manager", "Operations lead",
    ], [
        "Project Management (PMP)", "Agile Coaching", "Financial Modeling", "Product Management",
        "Supply Chain Management", "Negotiation", "Tokenomics", "Risk Management", "Bookkeeping",
    ]),
    "health": ("healthcare", [
        "Physiotherapist", "Registered nurse", "Nutritionist", "Medical coder",
    ], [
        "Phlebotomy", "Medical Coding (ICD-10)", "Physiotherapy", "Nutrition Counseling", "First Aid Instruction",
        "Sports Massage", "Clinical Research",
    ]),
    "crafts": ("trades & crafts", [
        "Carpenter", "Electrician", "Ceramicist", "Welder", "Furniture maker",
    ], [
        "Woodworking", "TIG Welding", "Ceramics", "Japanese Joinery (Kigumi)", "Electrical Installation",
        "Plumbing", "Urushi Lacquering", "Blacksmithing", "Bookbinding",
    ]),
}

BIO_EXTRAS = [
    "Open-source maintainer and occasional conference speaker.",
    "Mentors juniors on weekends.",
    "Previously led a team of eight.",
    "Loves hard problems and clear documentation.",
    "Currently open to freelance engagements.",
    "Writes a newsletter about the craft.",
    "Bilingual, comfortable working across time zones.",
    "Believes in measuring twice and cutting once.",
    "",
]

VERIFIERS = [
    ("Dr. Hana Sato", "Tokyo Institute of Certification", ["software engineering", "data & AI", "security"]),
    ("Prof. Emeka Obi", "West African Engineering Council", ["civil engineering", "structural", "surveying"]),
    ("Marguerite Lefèvre", "Guilde des Traducteurs", ["languages", "translation", "interpreting"]),
    ("Carlos Mendoza", "Iberian Trades Board", ["trades & crafts", "welding", "woodworking"]),
    ("Anika Johansson", "Nordic Health & Business Accreditation", ["healthcare", "business", "design"]),
]

EVIDENCE_KINDS = ["certificate", "portfolio", "code-sample", "reference-letter", "transcript", "project-report"]

ENDORSEMENT_MESSAGES = [
    "Worked together on a production launch; rock solid.",
    "One of the best I have collaborated with.",
    "Explains complex topics with great clarity.",
    "Delivered ahead of schedule, twice.",
    "Reviewed my work and caught issues nobody else saw.",
    "Highly recommended.",
    "Knows this inside out.",
    "Mentored me through my first project in this area.",
    "Pragmatic, careful and fast.",
    "素晴らしい仕事でした。",
    "Trabajo impecable.",
    "",
]

REJECTION_REASONS = [
    "Evidence does not demonstrate the claimed level.",
    "Certificate could not be verified with the issuer.",
    "Portfolio items are not the claimant's own work.",
    "Insufficient hours of documented practice.",
    "Reference letter lacks contact details.",
]

DISPUTE_REASONS = [
    "The issuer has since confirmed the certificate; see attached email.",
    "Added two more project reports as evidence.",
    "The portfolio pieces are mine; commit history attached.",
    "Please re-review: the hours are documented in the appendix.",
]

UPHOLD_NOTES = [
    "Rejection upheld after a second review.",
    "New evidence still insufficient.",
    "Issuer did not confirm; rejection stands.",
]

OVERTURN_NOTES = [
    "Overturned: the new evidence is conclusive.",
    "Overturned after the issuer confirmed.",
    "Second reviewer approved; overturned.",
]

SUSPENSION_REASONS = [
    "Conflict of interest under review.",
    "Accreditation lapsed; pending renewal.",
]
