"""Word lists for de-identification (:mod:`caserecord.deid`), kept apart from the rules.

Everything here is lower case and matched as whole words.  The lists are
deliberately general: they say what a *name*, a *place* or a *date* looks
like in an English case narrative and which capitalised words are clinical
rather than personal (eponyms, test names, drug names).  They are not a
gazetteer: a person or town missing from ``GIVEN_NAMES`` or ``CITIES`` is
still found from its context ("Mr. ...", "... said", "in ..., China").

Countries, US states and nationalities are listed so they are *kept*: the
HIPAA Safe Harbor method (45 CFR 164.514(b)(2)(i)(B)) only removes
geographic units smaller than a state, and the extractor reads the
patient's nationality.
"""

from __future__ import annotations

from types import MappingProxyType


def _words(text: str) -> frozenset[str]:
    """A frozenset from a '|'-separated table (whitespace around entries ignored)."""
    return frozenset(w.strip().lower() for w in text.split("|") if w.strip())


# -- persons -------------------------------------------------------------------------

#: Titles before a name.  The title is kept in the output ("Mr. [NAME]"): it
#: tells the sex, which is clinical, and identifies no one.
TITLES = _words(
    "mr | mrs | ms | miss | mx | mister | madam | madame | mme | sir | dame | dr | doctor"
    " | prof | professor | nurse | sister | rev | fr | father | lady | lord"
)

#: Titles that are also ordinary nouns ("the doctor", "her sister"): only a
#: capitalised form directly before a capitalised word counts.
NOUN_TITLES = _words("doctor | nurse | sister | father | lady | lord | professor")

#: Credentials after a name ("Amir Kashani, MD").  "OD" is absent on purpose:
#: it is the right eye.
CREDENTIALS = _words(
    "md | m.d. | phd | ph.d. | mbbs | mbchb | frcs | frcophth | frcsed | facs | dnb | ms"
    " | mph | rn | np | pa-c | bsc | msc | do | d.o. | dds | pharmd | mrcp | frcp | faao"
)

#: Lines that close a letter: the name comes on the next lines.
CLOSINGS = _words(
    "sincerely | yours sincerely | sincerely yours | yours faithfully | faithfully"
    " | yours truly | truly yours | yours | regards | best regards | kind regards"
    " | warm regards | with regards | with best regards | best wishes | with best wishes"
    " | respectfully | respectfully yours | with thanks | many thanks | thanks | thank you"
    " | cordially | best | cheers | signed"
)

#: Greetings that precede a name ("Dear Dr. Cooke:").
GREETINGS = _words("dear | hello | hi")

#: "Dear Sir", "Dear Colleague": what follows the greeting but is no name.
GREETING_NOT_NAMES = _words(
    "sir | madam | sirs | colleague | colleagues | doctor | editor | editors | all | friend"
    " | friends | patient | parents | reader | readers | team | everyone | reviewers"
)

#: Relatives and companions; a capitalised word in apposition is a name
#: ("my husband, Hans,", "her son Lucas").
RELATIVES = _words(
    "husband | wife | son | daughter | brother | sister | mother | father | mom | mum | dad"
    " | mommy | mummy | daddy | grandson | granddaughter | grandmother | grandfather"
    " | grandma | grandpa | granny | aunt | uncle | cousin | nephew | niece | partner"
    " | fiance | fiancee | boyfriend | girlfriend | friend | neighbour | neighbor"
    " | child | baby | boy | girl | twin | sibling | spouse | caregiver | carer | stepson"
    " | stepdaughter | stepmother | stepfather"
)

#: Roles after which a capitalised name follows ("Surgeon Amir H. Kashani").
ROLES = _words(
    "surgeon | physician | doctor | ophthalmologist | neurologist | neurosurgeon"
    " | optometrist | orthoptist | researcher | investigator | professor | nurse | therapist"
    " | physiotherapist | consultant | resident | fellow | colleague | author | pediatrician"
    " | paediatrician | radiologist | psychiatrist | psychologist | dentist | pharmacist"
    " | oncologist | cardiologist | internist | specialist | clinician | director"
)

#: Verbs that follow a person in subject position ("Anna Novak said").
PERSON_VERBS = _words(
    "said | says | told | tells | reported | reports | noted | notes | noticed | notices"
    " | explained | explains | recalled | recalls | recounted | added | adds | wrote | writes"
    " | asked | asks | answered | received | receives | underwent | undergoes | presented"
    " | presents | returned | returns | visited | visits | developed | had | has | was | is"
    " | sat | sits | lives | lived | felt | feels | decided | decides | learned | learnt"
    " | began | begins | started | starts | continued | continues | remembers | remembered"
    " | hoped | hopes | described | describes | complained | complains | experienced"
    " | went | goes | came | comes | travelled | traveled | flew | moved | works | worked"
    " | agreed | thanked | smiled | laughed | cried | sees | saw | can | could | will | would"
    " | did | does | injected | treated | performed | implanted | examined | operated"
    " | prescribed | administered | diagnosed | referred | published | founded | led"
    " | suffered | suffers | lost | regained | gained | improved | recovered | walked | walks"
    " | reads | read | drove | drives | enjoys | enjoyed | loves | loved | wanted | wants"
    " | needed | needs | got | gets | became | becomes | remained | remains | died | passed"
    " | married | joined | left | arrived | arrives | called | calls | contacted | emailed"
    " | confirmed | believes | believed | thinks | thought | knew | knows"
)

#: Given names common in the narratives caserecord reads (English, European,
#: Latin American, South and East Asian).  Not exhaustive: a name missing
#: here is still caught by its context.  Given names that are also ordinary
#: words or places (Hope, Grace, May, June, Mark, Will, Florence, Georgia,
#: Jordan) are left out: they are found only with a title or a cue.
GIVEN_NAMES = _words(
    "aaron | abdul | abigail | adam | adrian | ahmed | aisha | alan | albert | alejandro"
    " | alex | alexander | alexandra | alexis | ali | alice | alicia | alison | amanda"
    " | amir | amit | amy | ana | andre | andrea | andreas | andrew | angela | anil | anita"
    " | anja | ann | anna | anne | anthony | antonio | anya | arjun | arthur | ashley"
    " | barbara | beatriz | benjamin | bernard | beth | bettina | brian | bruno | carl"
    " | carla | carlos | carmen | caroline | catherine | charlotte | chen | chloe"
    " | christian | christina | christine | christopher | claire | claudia | cristina"
    " | daniel | daniela | david | deborah | deepak | denise | dennis | diana | diego"
    " | dmitri | dmitry | donald | dorothy | edward | elena | elif | elizabeth | ella"
    " | emily | emma | eric | erik | eva | fatima | federico | felipe | fernando"
    " | francesca | francisco | frank | gabriel | gabriela | george | gerhard | giorgio"
    " | giovanni | giulia | gregory | hannah | hans | heinrich | helen | helena | henry"
    " | hiroshi | hugo | igor | ingrid | irina | isabel | isabella | ivan | jacob | james"
    " | jane | janet | jasmine | javier | jean | jeffrey | jennifer | jessica | joan"
    " | joao | johann | johannes | john | jonathan | jorge | jose | josef | joseph"
    " | josephine | juan | julia | julian | julie | jurgen | karen | karin | katarina"
    " | katharina | katherine | kathleen | kenji | kevin | klaus | kumar | larisa | laura"
    " | lauren | leila | leon | linda | lisa | liu | lucas | lucia | luis | luka | lukas"
    " | manuel | marco | margaret | maria | marie | marina | mario | marta | martha"
    " | martin | mary | matteo | matthew | mei | mehmet | melissa | michael | michelle"
    " | miguel | mikhail | mohamed | mohammed | muhammad | nadia | nancy | natalia"
    " | natasha | nicholas | nicole | nikolai | nina | olga | oliver | olivia | omar | oscar"
    " | pablo | patricia | patrick | paul | paula | pedro | peter | pierre | pooja | priya"
    " | rachel | rahul | rajesh | ramon | raul | rebecca | richard | robert | roberto"
    " | ruth | sadia | samuel | sandra | sanjay | sara | sarah | sergei | sergey"
    " | sofia | sophia | sophie | stefan | stephanie | steven | sunil | susan | svetlana"
    " | takashi | tatiana | teresa | thomas | timothy | tomas | valentina | vanessa"
    " | victor | vijay | vikram | wei | william | xiao | yan | yuki | yusuf | zhang | zoe"
)

#: Dotted capitals that are abbreviations, not a person's initials ("U.S.").
NOT_INITIALS = frozenset({"US", "UK", "EU", "UN", "MD", "DO", "PS", "AM", "PM", "BC", "AD"})

# -- clinical capitalised words that are never persons or places --------------------

#: Eponyms and test names of ophthalmology and neurology (lower case, the
#: possessive stripped).  Generic rules never read them as names; a title
#: still does ("Mr. Best").
EPONYMS = _words(
    "leber | stargardt | best | coats | usher | bardet | biedl | bardet-biedl | parkinson"
    " | alzheimer | wharton | snellen | jaeger | ishihara | humphrey | goldmann | tono-pen"
    " | etdrs | huntington | crohn | hodgkin | kaplan | meier | adie | horner | argyll"
    " | bonnet | leigh | kearns | sayre | wolfram | devic | schilder | guillain | barre"
    " | barré | tolosa | vogt | koyanagi | harada | behcet | behçet | sjogren | sjögren"
    " | lyme | purkinje | schwann | müller | bruch | descemet | bowman | schlemm | tenon"
    " | zinn | amsler | farnsworth | munsell | pelli | robson | lea | teller | cardiff"
    " | hess | maddox | hirschberg | krimsky | titmus | randot | frisby | schirmer | seidel"
    " | kayser | fleischer | marfan | ehlers | danlos | sturge | hippel | lindau"
    " | recklinghausen | tay | sachs | niemann | gaucher | fabry | batten | refsum | kjer"
    " | duchenne | becker | friedreich | charcot | rett | angelman | prader | willi"
    " | asperger | tourette | lennox | gastaut | dravet | rasmussen | moyamoya | chiari"
    " | klippel | apgar | glasgow | karnofsky | barthel | ashworth | tardieu | fugl"
    " | tinetti | rankin | wechsler | bayley | kurtzke | hoehn | yahr | holter | foley"
    " | ommaya | babinski | romberg | lhermitte | uhthoff | pulfrich | wernicke | korsakoff"
    " | broca | brodmann | willis | virchow | langerhans | kupffer | golgi | nissl | ranvier"
    " | doppler | wilcoxon | bonferroni | tukey | likert | gehrig | graves | addison"
    " | cushing | hashimoto | kawasaki | raynaud | bell | down | lou | marcus | gunn"
    " | mooren | terrien | fuchs | bietti | sorsby | doyne | malattia | leventinese"
    " | goldenhar | peters | axenfeld | rieger | bergmeister | mittendorf | cloquet"
    " | krukenberg | khodadoust | arden | ganzfeld | mcdonald | edss | gmfcs | mini-mental"
)

#: Nouns after an eponym ("Wilson disease", "Bell's palsy", "Wharton's
#: jelly"): a capitalised word before them is clinical, not a person.
EPONYM_NOUNS = _words(
    "disease | diseases | syndrome | syndromes | sign | signs | palsy | phenomenon | reflex"
    " | test | tests | testing | chart | charts | scale | scales | score | scores"
    " | classification | criteria | grade | grading | procedure | operation | technique"
    " | maneuver | manoeuvre | law | rule | jelly | membrane | canal | capsule | layer"
    " | cell | cells | body | bodies | node | nodes | plate | plates | lens | lenses"
    " | perimetry | perimeter | tonometer | tonometry | field | grid | neuropathy"
    " | dystrophy | disorder | atrophy | hereditary | congenital | amaurosis | macular"
    " | vitelliform | method | effect | pupil | ring | ulcer | tumor | tumour | lymphoma"
    " | sarcoma | paralysis | angle | line | lines | fibers | fibres | fundus | dementia"
    " | optic | retinitis | retinopathy | choroiditis | uveitis | ataxia | chorea | sclerosis"
    " | type | variant | criterion | index | curve | analysis | estimator | plot | correction"
    " | corrected | spot | spots | stain | staining | streak | streaks | sheath | foramen"
    " | ductus | duct | gland | glands | tube | catheter | reservoir | monitor | chamber"
    " | bundle | crystals | nodules | patch | ratio | formula | equation | pathway"
)

#: Words that can never be a name, even right after a strong cue ("her son
#: The ...", "Dear All"): pronouns, articles, prepositions, conjunctions.
FUNCTION_WORDS = _words(
    "a | an | the | this | that | these | those | he | she | it | they | we | i | you | me"
    " | him | her | them | us | his | hers | its | their | theirs | our | ours | my | your"
    " | and | or | but | nor | so | yet | if | then | than | because | although | though"
    " | while | whilst | when | where | which | who | whom | whose | what | why | how"
    " | in | on | at | of | to | from | with | without | by | for | as | into | onto"
    " | about | after | before | during | since | until | over | under | between | through"
    " | is | was | were | are | be | been | being | has | had | have | do | does | did"
    " | not | no | yes | all | both | each | every | some | any | many | much | most"
    " | also | now | here | there | today | patient | patients | doctor | doctors"
    " | everyone | someone | nobody | none | one | two | three | four | five"
)

#: Capitalised words that open sentences, headings and table cells but are
#: neither persons nor places.  The clinical vocabulary of the extractor and
#: every word the narrative itself writes in lower case are added per text.
COMMON_WORDS = FUNCTION_WORDS | _words(
    "a | about | above | abstract | according | across | actually | additionally | after"
    " | afterwards | again | against | age | ago | all | almost | along | already | also"
    " | although | always | among | an | and | another | any | anyone | anything | are"
    " | around | as | at | available | back | background | based | be | because | been"
    " | before | began | being | below | besides | better | between | beyond | both"
    " | brief | but | by | can | case | cases | cell | cells | certainly | clearly | clinic"
    " | clinical | comments | conclusion | conclusions | condition | conditions"
    " | consequently | contact | copyright | could | currently | daily | date | day | days"
    " | dear | department | description | despite | details | diagnosis | did | discussion"
    " | do | does | done | down | due | during | each | earlier | early | either | else"
    " | especially | even | eventually | ever | every | everything | examination | example"
    " | except | family | female | few | fig | figure | figures | fill | finally | first"
    " | following | for | form | fortunately | four | from | further | furthermore | gender"
    " | generally | given | good | great | had | has | have | having | he | hello | help"
    " | hence | her | here | hers | herself | hi | him | himself | his | history | home"
    " | hospital | how | however | i | if | ii | iii | important | in | including | indeed"
    " | initially | instead | interestingly | into | introduction | is | it | its | itself"
    " | iv | just | keywords | last | later | latest | leave | less | let | like | likewise"
    " | little | main | male | many | material | materials | may | maybe | me | meanwhile"
    " | message | method | methods | might | more | moreover | most | mostly | much | must"
    " | my | myself | name | namely | near | nearly | neither | never | nevertheless | new"
    " | next | no | none | nonetheless | nor | not | note | notes | nothing | now | number"
    " | objective | objectives | of | off | often | on | once | one | online | only | onto"
    " | or | other | others | otherwise | our | ours | ourselves | out | over | overall"
    " | own | page | part | past | patient | patients | people | per | perhaps | please"
    " | possibly | post | presentation | presently | previously | prior | probably"
    " | purpose | rather | read | recently | references | regarding | related | report"
    " | reports | result | results | same | second | section | see | several | she | should"
    " | similarly | since | skip | so | some | someone | something | sometimes | soon"
    " | status | still | story | study | subsequently | such | suddenly | summary | table"
    " | tables | than | thank | thanks | that | the | their | theirs | them | themselves"
    " | then | there | thereafter | therefore | these | they | third | this | those"
    " | though | three | through | throughout | thus | to | today | together | tomorrow"
    " | too | toward | towards | treatment | two | under | unfortunately | unless | unlike"
    " | until | up | upon | us | usually | very | via | was | we | well | were | what"
    " | whatever | when | whenever | where | whereas | whether | which | while | whilst"
    " | who | whom | whose | why | will | with | within | without | would | yes | yesterday"
    " | yet | you | your | yours | yourself | stem | therapy | vision | eye | eyes | optic"
    " | nerve | visual | acuity | right | left | both | before | primary | progressive"
    " | secondary | chronic | acute | severe | mild | moderate | international | national"
    " | general | central | regional | royal | university | institute | college | school"
    " | centre | center | medical | foundation | society | association | journal | news"
    " | times | press | review | board | committee | group | trial | program | programme"
    " | project | network | service | services | unit | ward | faculty | health | care"
    " | research | science | sciences | technology | eye | public | private | state"
    " | federal | american | european | asian | african | western | eastern | northern"
    " | southern | north | south | east | west | upper | lower | greater | saint | st"
    " | mount | lake | river | bay | valley | hill | park | beach | island | islands"
    " | county | city | province | district | street | road | avenue | lane | drive"
    " | square | village | town | region | area | ocean | sea | yours | sincerely | regards"
    " | best | kind | warm | cordially | respectfully | signed | video | videos | photo"
    " | photos | image | images | click | share | comment | reply | posted | updated"
    " | published | received | accepted | revised | author | authors | affiliation"
    " | affiliations | correspondence | funding | disclosure | conflict | interest"
    " | acknowledgements | acknowledgments | abbreviations | keywords | doi | pmid | pmcid"
    " | god | lord | christmas | easter | internet | google | facebook | youtube | whatsapp"
    " | english | latin | greek | tel | fax | phone | email | e-mail | web | website"
    " | address | mobile | ok | okay | wow | oh | dr | mr | mrs | ms | miss | prof"
    # imperatives that open sentences of contact blocks ("Call 555 ...", "Visit ...")
    " | call | contact | visit | write | send | click | ask | email | phone | text"
)

#: Brand names of drugs that case narratives in ophthalmology and neurology
#: mention; brands have no INN stem to recognise them by.
DRUG_BRANDS = _words(
    "avastin | lucentis | eylea | beovu | vabysmo | byooviz | ozurdex | iluvien | yutiq"
    " | retisert | raxone | luxturna | botox | dysport | tysabri | ocrevus | kesimpta"
    " | copaxone | rebif | avonex | betaseron | plegridy | gilenya | mayzent | zeposia"
    " | tecfidera | vumerity | aubagio | lemtrada | mavenclad | solu-medrol | medrol"
    " | decadron | kenalog | triesence | jetrea | macugen | visudyne | xalatan | lumigan"
    " | travatan | timoptic | cosopt | combigan | alphagan | trusopt | azopt | diamox"
    " | lyrica | neurontin | keppra | depakote | tegretol | lamictal | topamax | lipitor"
    " | glucophage | lantus | novorapid | humira | remicade | rituxan | soliris | uplizna"
    " | enspryng | cellcept | imuran | prograf | neoral | prednisone | deltasone | synthroid"
    " | spinraza | zolgensma | exondys | aricept | namenda | sinemet | madopar | stalevo"
)

#: Specialties and services: capitalised in "the Neuro-ophthalmology Clinic"
#: but no one's name.
SPECIALTIES = _words(
    "ophthalmology | neuro-ophthalmology | neurology | neurosurgery | neuroradiology"
    " | radiology | pediatrics | paediatrics | pediatric | paediatric | cardiology"
    " | oncology | medicine | surgery | rehabilitation | physiotherapy | psychiatry"
    " | dermatology | orthopaedics | orthopedics | emergency | outpatient | inpatient"
    " | retina | cornea | glaucoma | uveitis | strabismus | oculoplastics | optometry"
    " | orthoptics | anesthesiology | anaesthesiology | endocrinology | rheumatology"
    " | hematology | haematology | immunology | genetics | pathology | physiology"
    " | regenerative | ophthalmic | neuro | neuroscience | neurosciences | vision | eye"
)

#: Endings of drug names (INN stems): a capitalised word ending so is a drug.
DRUG_SUFFIXES: tuple[str, ...] = (
    "mab",
    "nib",
    "cillin",
    "mycin",
    "cycline",
    "floxacin",
    "azole",
    "statin",
    "pril",
    "sartan",
    "olol",
    "parin",
    "sone",
    "olone",
    "vir",
    "platin",
    "taxel",
    "azepam",
    "oxetine",
    "amide",
    "profen",
    "prazole",
    "dronate",
    "tidine",
    "triptan",
    "semide",
    "dipine",
    "gliptin",
    "glitazone",
    "formin",
    "lukast",
    "setron",
    "conazole",
    "cortisone",
    "benone",
    "coline",
    "cept",
)

# -- places --------------------------------------------------------------------------

#: Words that may open an institution's name although they are common ("Eye
#: Hospital", "National Institutes of Health").
INSTITUTION_OPENERS = _words(
    "eye | national | international | royal | central | general | regional | medical"
    " | state | public | federal | children's | university | memorial | community | city"
    " | county | district | provincial | municipal | people's | army | military | veterans"
    " | teaching | specialty | rehabilitation | research | stem | cell | new | north"
    " | south | east | west | northern | southern | eastern | western | saint | st | mount"
    " | american | european | asian | african"
)

#: The kind of institution its placeholder keeps ("admitted to [HOSPITAL]"
#: reads as the story did and names no one), by the head word of the name.
INSTITUTION_KINDS: MappingProxyType[str, str] = MappingProxyType(
    {
        **dict.fromkeys(
            ("hospital", "hospitals", "infirmary", "hospice", "sanatorium"), "hospital"
        ),
        **dict.fromkeys(("clinic", "clinics", "polyclinic", "practice"), "clinic"),
        **dict.fromkeys(("university", "college", "school", "academy"), "university"),
        **dict.fromkeys(
            (
                "center",
                "centre",
                "centers",
                "centres",
                "institute",
                "institutes",
                "institution",
                "foundation",
                "laboratory",
                "laboratories",
                "lab",
                "labs",
                "trust",
                "pharmacy",
                "healthcare",
                "system",
                "group",
                "home",
            ),
            "institution",
        ),
    }
)

#: Capitalised words that end a place name ("Shandong Province", "Baker
#: Street").  Safe Harbor removes every unit smaller than a state.
PLACE_SUFFIXES = _words(
    "city | province | county | district | prefecture | township | village | town"
    " | municipality | region | borough | parish | suburb | neighbourhood | neighborhood"
    " | street | st. | road | rd. | avenue | ave. | boulevard | blvd. | lane | ln. | drive"
    " | way | court | place | square | highway | hwy. | terrace | crescent | close"
    " | building | tower | block | estate | apartments | heights | gardens"
)

#: Street words a house number comes before ("12 Baker Street").
STREET_SUFFIXES = _words(
    "street | st | road | rd | avenue | ave | boulevard | blvd | lane | ln | drive | dr | way"
    " | court | ct | place | pl | square | sq | highway | hwy | terrace | crescent | close"
)

#: Capitalised words that end an institution's name ("Wilmer Eye Institute").
INSTITUTION_SUFFIXES = _words(
    "hospital | hospitals | clinic | clinics | infirmary | hospice | sanatorium"
    " | institute | institutes | institution | university | college | school | academy"
    " | center | centre | centers | centres | foundation | laboratory | laboratories | lab"
    " | labs | practice | polyclinic | health system | healthcare | medical group"
    " | medical center | medical centre | health center | health centre | trust"
    " | nursing home | care home | pharmacy"
)

#: Institution words that start a name ("University of Southern California").
INSTITUTION_PREFIXES = _words(
    "university | hospital | institute | institutes | college | school | academy | clinic"
    " | centre | center | faculty"
)

#: Prepositions after which a capitalised word is read as a place.
PLACE_PREPOSITIONS = _words(
    "in | near | from | at | outside | around | visited | toward | towards | via | to"
)

#: Countries and first-level divisions: kept (Safe Harbor permits them), and
#: used to find the town before them ("Qingdao, China").
COUNTRIES = _words(
    "afghanistan | albania | algeria | argentina | argentinia | armenia | australia"
    " | austria | azerbaijan | bangladesh | belarus | belgium | bolivia | bosnia | brazil"
    " | bulgaria | cambodia | cameroon | canada | chile | china | colombia | costa rica"
    " | croatia | cuba | cyprus | czech republic | czechia | denmark | ecuador | egypt"
    " | england | estonia | ethiopia | finland | france | georgia | germany | ghana"
    " | greece | guatemala | honduras | hungary | iceland | india | indonesia | iran"
    " | iraq | ireland | israel | italy | jamaica | japan | jordan | kazakhstan | kenya"
    " | korea | south korea | north korea | kuwait | kyrgyzstan | latvia | lebanon | libya"
    " | lithuania | luxembourg | malaysia | mexico | moldova | mongolia | morocco | nepal"
    " | netherlands | the netherlands | new zealand | nigeria | norway | oman | pakistan"
    " | panama | paraguay | peru | philippines | poland | portugal | qatar | romania"
    " | russia | saudi arabia | scotland | serbia | singapore | slovakia | slovenia"
    " | south africa | spain | sri lanka | sudan | sweden | switzerland | syria | taiwan"
    " | tajikistan | tanzania | thailand | tunisia | turkey | turkmenistan | uganda"
    " | ukraine | united arab emirates | uae | united kingdom | uk | united states | usa"
    " | u.s. | u.s.a. | us | america | uruguay | uzbekistan | venezuela | vietnam | wales"
    " | yemen | zambia | zimbabwe | europe | asia | africa | latin america"
    " | south america | north america | middle east"
    # US states and Canadian provinces (Safe Harbor keeps states).
    " | alabama | alaska | arizona | arkansas | california | colorado | connecticut"
    " | delaware | florida | hawaii | idaho | illinois | indiana | iowa | kansas"
    " | kentucky | louisiana | maine | maryland | massachusetts | michigan | minnesota"
    " | mississippi | missouri | montana | nebraska | nevada | new hampshire | new jersey"
    " | new mexico | new york state | north carolina | north dakota | ohio | oklahoma"
    " | oregon | pennsylvania | rhode island | south carolina | south dakota | tennessee"
    " | texas | utah | vermont | virginia | washington state | west virginia | wisconsin"
    " | wyoming | ontario | quebec | british columbia | alberta"
)

#: Nationality adjectives: kept (the extractor reads them).
NATIONALITIES = _words(
    "american | british | english | scottish | welsh | irish | canadian | australian"
    " | chinese | japanese | korean | indian | pakistani | bangladeshi | nepali | thai"
    " | vietnamese | filipino | indonesian | malaysian | singaporean | russian | ukrainian"
    " | georgian | armenian | turkish | iranian | iraqi | syrian | israeli | egyptian"
    " | moroccan | nigerian | kenyan | ethiopian | south african | mexican | brazilian"
    " | argentine | argentinian | chilean | colombian | peruvian | venezuelan | cuban"
    " | spanish | portuguese | french | german | italian | dutch | belgian | swiss"
    " | austrian | polish | czech | slovak | hungarian | romanian | bulgarian | serbian"
    " | croatian | greek | swedish | norwegian | danish | finnish | icelandic | european"
    " | asian | african | arab | hispanic | latino | latina | caucasian"
)

#: Two-letter US state codes: "Rochester, NY", "CA 90089".
US_STATE_CODES = frozenset(
    code.upper()
    for code in _words(
        "al | ak | az | ar | ca | co | ct | de | fl | ga | hi | id | il | in | ia | ks | ky"
        " | la | me | md | ma | mi | mn | ms | mo | mt | ne | nv | nh | nj | nm | ny | nc"
        " | nd | oh | ok | or | pa | ri | sc | sd | tn | tx | ut | vt | va | wa | wv | wi"
        " | wy | dc"
    )
)

#: Large cities that narratives name without any cue (a small, general list;
#: other towns are found from "in ...", "..., <country>", "... City").
CITIES = _words(
    "los angeles | new york | new york city | san francisco | san diego | chicago"
    " | houston | boston | miami | seattle | atlanta | dallas | philadelphia | phoenix"
    " | baltimore | detroit | denver | las vegas | toronto | vancouver | montreal"
    " | mexico city | sao paulo | buenos aires | bogota | lima | santiago | london"
    " | manchester | birmingham | edinburgh | glasgow city | dublin | paris | lyon | berlin"
    " | munich | hamburg | frankfurt | vienna | zurich | geneva | rome | milan | naples"
    " | madrid | barcelona | lisbon | amsterdam | brussels | copenhagen | stockholm | oslo"
    " | helsinki | warsaw | prague | budapest | bucharest | athens | istanbul | ankara"
    " | moscow | st. petersburg | saint petersburg | kiev | kyiv | minsk | tbilisi"
    " | yerevan | baku | tehran | dubai | abu dhabi | riyadh | cairo | tel aviv"
    " | jerusalem | lagos | nairobi | johannesburg | cape town | mumbai | bombay | delhi"
    " | new delhi | bangalore | bengaluru | chennai | madras | kolkata | calcutta"
    " | hyderabad | pune | ahmedabad | nainital | karachi | lahore | dhaka | kathmandu"
    " | colombo | bangkok | hanoi | ho chi minh city | kuala lumpur | jakarta | manila"
    " | beijing | shanghai | guangzhou | shenzhen | tianjin | chongqing | wuhan | chengdu"
    " | hangzhou | nanjing | xi'an | qingdao | jinan | shenyang | harbin | dalian"
    " | zhengzhou | changsha | kunming | xiamen | hong kong | macau | taipei | seoul"
    " | busan | tokyo | osaka | kyoto | sydney | melbourne | brisbane | perth | auckland"
    " | panama city | tijuana | guadalajara | monterrey | cancun"
)

#: Greetings, closings and headers are read per line; these header keys name
#: a person, a place, a date, a phone or an identifier in their value.
PERSON_HEADER_KEYS = _words(
    "name | patient | patient name | surgeon | physician | doctor | author | authors"
    " | parent | mother | father | guardian | contact | contact person | referred by"
    " | referring physician | attending | attending physician | consultant | signed"
    " | signature | from | to | cc | written by | reported by | examiner | treated by"
)
INSTITUTION_HEADER_KEYS = _words(
    "hospital | clinic | institution | facility | center | centre | treatment center"
    " | treatment centre"
)
BIRTH_HEADER_KEYS = _words("dob | d.o.b | d.o.b. | date of birth | birth date | birthdate")
# "Site:" and "Location:" are left out: in a case report they name a lesion's place.
PLACE_HEADER_KEYS = _words(
    "address | home address | hospital | clinic | institution | city | hometown"
    " | home town | residence | place of birth | birthplace | facility | center | centre"
    " | treatment center | treatment centre | town | village | province | county | district"
)

# -- dates ---------------------------------------------------------------------------

WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)

#: Words before a bare year or month that make it a date ("in 2019",
#: "since May").
DATE_CUES = _words(
    "in | since | from | until | till | to | by | during | of | early | mid | late"
    " | before | after | between | and | through | throughout | around | circa | ca."
    " | year | born | summer | winter | spring | autumn | fall | end | beginning | start"
    " | last | next | this | that | dated | on | spanning | till"
)

#: Words after a four-digit number that make it a count, not a year
#: ("2000 cells", "1500 IU").  Units of measure are added from caserecord's
#: unit table.
COUNT_NOUNS = _words(
    "cells | cell | patients | people | persons | subjects | participants | cases | eyes"
    " | letters | times | units | copies | doses | infusions | injections | steps | words"
    " | children | adults | iu | u | ui | million | thousand | billion | x | × | calories"
    " | kcal | beats | bpm | rpm | cfu | pfu | lux | cd | vials | tablets | capsules"
    " | drops | puffs | sessions | visits | meters | metres | km | miles | feet | ft"
    " | dollars | usd | eur | euros | inr | rupees | yuan | rmb | pounds | gbp"
)

# -- identifiers ---------------------------------------------------------------------

#: Cue words before record, plan, account and licence numbers.
ID_CUES: MappingProxyType[str, frozenset[str]] = MappingProxyType(
    {
        "MRN": _words(
            "mrn | mr no | mr no. | mr # | mr# | medical record | medical record number"
            " | medical record no | medical record no. | record number | record no"
            " | record no. | hospital number | hospital no | hospital no. | hospital id"
            " | chart number | chart no | chart no. | case number | case no | case no."
            " | patient id | patient number | patient no | patient no. | admission number"
            " | admission no | admission no. | inpatient number | outpatient number"
            " | registration number | registration no | registration no. | reg no | reg. no."
            " | ipd no | opd no | uhid"
        ),
        "ID": _words(
            "id | id number | id no | identification number | account | account number"
            " | account no | acct | acct no | policy | policy number | policy no"
            " | member id | member number | insurance id | insurance number"
            " | insurance no | health plan id | health plan number | beneficiary id"
            " | beneficiary number | medicaid | medicare | licence | license"
            " | licence number | license number | licence no | license no"
            " | certificate number | certificate no | passport | passport number"
            " | passport no | serial number | serial no | device id | device serial"
            " | vin | vehicle identification number | licence plate | license plate"
            " | plate number | nhs number | nhs no | aadhaar | aadhar | national id"
        ),
    }
)
SSN_CUES = _words("ssn | social security | social security number | social security no")
PHONE_CUES = _words(
    # "cell" alone is left out: "cell 2 500 000" is a count in a stem cell story.
    "tel | tel. | telephone | phone | ph | mobile | mob | cellphone | cell phone | call"
    " | contact | whatsapp | hotline | pager | beeper"
)
FAX_CUES = _words("fax | facsimile")

#: Top-level domains a bare web address ends with ("clinic.example.org").
TOP_LEVEL_DOMAINS = _words(
    "com | org | net | edu | gov | mil | int | info | biz | io | co | us | uk | ca | au"
    " | de | fr | it | es | nl | be | ch | at | se | no | dk | fi | pl | cz | ru | ua | ge"
    " | in | cn | jp | kr | tw | hk | sg | my | th | vn | id | ph | pk | bd | ir | tr"
    " | il | ae | sa | eg | za | ng | ke | br | ar | mx | cl | co.uk | ac.uk | nhs.uk"
    " | org.uk | com.au | com.cn | ac.in | health | clinic | hospital | care"
)
