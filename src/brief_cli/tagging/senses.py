"""Word senses: phrases in which a sector keyword does not mean its sector.

"Security environment" is about security, not the environment; "health of the economy" about
the economy, not health; a "road map" is a plan, not a road. Each phrase below names the sector
it is evidence for, or none. They are compiled with the sector keywords and, being longer,
win over the keywords inside them (matching takes the longest phrase first).
"""

from __future__ import annotations

NONE = ""

# phrase -> sector id, or NONE when the phrase is evidence for no sector
SENSES: dict[str, str] = {
    # environment / climate
    "security environment": "security", "strategic environment": "security",
    "political environment": NONE, "international environment": NONE,
    "external environment": NONE, "global environment for": NONE, "enabling environment": NONE,
    "economic environment": "economy", "investment environment": "economy",
    "policy environment": NONE, "regulatory environment": "governance",
    "political climate": NONE, "climate of trust": NONE, "climate of confidence": NONE,
    "climate of fear": NONE, "climate of mistrust": NONE, "climate of opinion": NONE,
    "international climate": NONE, "security climate": "security",
    "economic climate": "economy", "business climate": "economy",
    "investment climate": "economy", "troubled waters": NONE, "hot water": NONE,
    # health
    "health of the economy": "economy", "economic health": "economy",
    "financial health": "finance", "fiscal health": "finance",
    "health of the banking system": "finance", "peace of mind": NONE,
    "overall health of": NONE, "health of the global economy": "economy",
    "health of the world economy": "economy", "health of its economy": "economy",
    "health of their economies": "economy", "health of our economy": "economy",
    "health of the financial system": "finance", "health of the banks": "finance",
    # power and energy
    "bargaining power": NONE, "come to power": "governance", "came to power": "governance",
    "seize power": "governance", "seized power": "governance",
    "balance of power": "diplomacy", "power play": "diplomacy", "power struggle": NONE,
    "world power": "diplomacy", "power-hungry": NONE, "political will": NONE,
    "new energy into": NONE, "fresh energy": NONE, "renewed energy": NONE,
    "energy and commitment": NONE, "political energy": NONE,
    # roads, bridges and pipes that are plans or metaphors
    "road map": NONE, "roadmap": NONE, "road to": NONE, "road ahead": NONE,
    "long road": NONE, "road towards": NONE,
    "bridge the gap": NONE, "bridge the divide": NONE,
    "bridge of": NONE, "bridge between": NONE, "act as a bridge": NONE,
    "engine of growth": "economy", "engine of the economy": "economy",
    "race to the bottom": NONE,
    # money words that are not about money
    "interest of": NONE, "interests of": NONE, "national interest": NONE,
    "conflict of interest": "governance", "political capital": NONE,
    "credit of": NONE, "give credit": NONE, "lend support": NONE,
    "lend credibility": NONE, "pay tribute": NONE, "paid tribute": NONE,
    "pay attention": NONE, "paid attention": NONE, "pay the price": NONE,
        "price to pay": NONE, "pays off": NONE, "paid off": NONE, "west bank": "diplomacy",
    "currency of": NONE, "stock-taking": NONE, "take stock": NONE, "taking stock": NONE,
    "exchange of views": "diplomacy", "exchange views": "diplomacy",
    # other idioms
    "trade-off": NONE, "trade-offs": NONE, "school of thought": NONE,
    "culture of peace": "security", "culture of impunity": "governance",
    "culture of dialogue": NONE, "culture of prevention": NONE,
    "nuclear family": "social", "family of nations": "diplomacy",
    "social media": "digital", "social network": "digital", "social networking": "digital",
    "data mining": "digital", "tear gas": "security", "labour party": "governance",
    "labor party": "governance", "labour day": NONE, "war on drugs": "security",
    "war on poverty": "social", "war on terror": "security",
    "recent developments": NONE, "latest developments": NONE, "developments in": NONE,
    "positive developments": NONE, "new developments": NONE,
    "press conference": NONE, "news conference": NONE, "host country": NONE,
    "market for": NONE,
    "fuel the": NONE, "fuelled by": NONE, "fueled by": NONE,
    "food for thought": NONE, "grass roots": NONE, "grassroots": NONE,
    "hub of": NONE,
}
